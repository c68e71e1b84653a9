//! Where everything goes on the screen.
