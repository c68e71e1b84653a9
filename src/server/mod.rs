//! The grove server: one per user, it owns every pane and renders every
//! dashboard, and clients reach it over a Unix socket.
//!
//! [`daemon`] takes a freshly spawned server out of the user's terminal
//! session; [`listener`] owns the socket, its security checks and the
//! version handshake, and hands out connections that passed both.

pub mod daemon;
pub mod listener;
