//! The grove client: a thin front that finds the user's server (starting it
//! when needed), then forwards input and writes what the server renders.
//!
//! [`connect`] reaches the server over its socket, checks that the socket is
//! private and the server ours, and performs the version handshake.

pub mod connect;
