//! The thin client: it connects to the server (starting one if needed), puts
//! the terminal in raw mode, forwards every terminal event, and writes the
//! frames it receives. All dashboard logic lives in the server.

pub mod attach;
pub mod connect;
