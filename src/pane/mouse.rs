// PLACEHOLDER until the keys helper's mouse encoder lands.
pub fn encode_mouse(
    _event: &crossterm::event::MouseEvent,
    _origin: (u16, u16),
    _mode: vt100::MouseProtocolMode,
    _encoding: vt100::MouseProtocolEncoding,
) -> Option<Vec<u8>> {
    None
}
