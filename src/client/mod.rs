//! The thin client: it finds the user's server (starting it when needed),
//! puts the terminal in raw mode, forwards every terminal event, and writes
//! the frames it receives. All dashboard logic lives in the server.
//!
//! [`connect`] reaches the server over its socket, checks that the socket is
//! private and the server ours, and performs the version handshake;
//! [`attach`] runs a dashboard over that connection.

pub mod attach;
pub mod connect;
mod events;
