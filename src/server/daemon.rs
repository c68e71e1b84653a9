// PLACEHOLDER until the net helper's daemon lands.
pub fn detach_from_terminal() -> anyhow::Result<()> {
    let _ = nix::unistd::setsid();
    Ok(())
}
