//! The kitty keyboard protocol's flag stacks, one per screen.
//!
//! A program pushes flags when it starts (`CSI > flags u`), pops them when it
//! exits (`CSI < n u`) and may change the top entry in place (`CSI = flags ;
//! mode u`). The main and alternate screens keep independent stacks, as the
//! protocol requires, so a full-screen program in the alternate screen cannot
//! leave the shell underneath with its flags.

use super::keys::KittyFlags;

/// The most entries a stack keeps. A program that pushes without popping (it
/// crashed, or it was killed) must not grow the stack forever; the protocol says
/// the oldest entry is evicted when the stack is full.
const MAX_DEPTH: usize = 16;

/// Only the five defined flag bits are kept.
const KNOWN_FLAGS: u8 = 0b1_1111;

/// How `CSI = flags ; mode u` changes the current flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetMode {
    /// 1: replace them.
    Replace,
    /// 2: add the given bits.
    Add,
    /// 3: remove the given bits.
    Remove,
}

impl SetMode {
    /// The mode named by the second parameter; absent or 0 means 1.
    pub fn from_param(value: Option<u16>) -> Option<Self> {
        match value {
            None | Some(0 | 1) => Some(SetMode::Replace),
            Some(2) => Some(SetMode::Add),
            Some(3) => Some(SetMode::Remove),
            Some(_) => None,
        }
    }
}

/// One screen's stack. `current` is the entry in effect; `pushed` holds the
/// entries under it, newest last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KittyStack {
    current: u8,
    pushed: Vec<u8>,
}

fn known(value: u16) -> u8 {
    u8::try_from(value & u16::from(KNOWN_FLAGS)).unwrap_or(0)
}

impl KittyStack {
    pub fn flags(&self) -> KittyFlags {
        KittyFlags(self.current)
    }

    pub fn push(&mut self, flags: u16) {
        if self.pushed.len() >= MAX_DEPTH {
            self.pushed.remove(0);
        }
        self.pushed.push(self.current);
        self.current = known(flags);
    }

    /// Pops `count` entries (0 counts as 1); popping past the bottom resets all
    /// flags.
    pub fn pop(&mut self, count: u16) {
        for _ in 0..count.max(1) {
            match self.pushed.pop() {
                Some(previous) => self.current = previous,
                None => {
                    self.current = 0;
                    return;
                }
            }
        }
    }

    pub fn set(&mut self, flags: u16, mode: SetMode) {
        let flags = known(flags);
        self.current = match mode {
            SetMode::Replace => flags,
            SetMode::Add => self.current | flags,
            SetMode::Remove => self.current & !flags,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pop_set() {
        let mut stack = KittyStack::default();
        assert_eq!(stack.flags(), KittyFlags(0));
        stack.push(1);
        stack.push(3);
        assert_eq!(stack.flags(), KittyFlags(3));
        stack.set(4, SetMode::Add);
        assert_eq!(stack.flags(), KittyFlags(7));
        stack.set(2, SetMode::Remove);
        assert_eq!(stack.flags(), KittyFlags(5));
        stack.set(8, SetMode::Replace);
        assert_eq!(stack.flags(), KittyFlags(8));
        stack.pop(1);
        assert_eq!(stack.flags(), KittyFlags(1));
        stack.pop(5);
        assert_eq!(stack.flags(), KittyFlags(0));
    }

    #[test]
    fn depth_is_bounded_and_evicts_the_oldest() {
        let mut stack = KittyStack::default();
        for flags in 0..100 {
            stack.push(flags % 32);
        }
        assert_eq!(stack.pushed.len(), MAX_DEPTH);
        stack.pop(u16::MAX);
        assert_eq!(stack.flags(), KittyFlags(0));
    }

    #[test]
    fn unknown_bits_are_dropped() {
        let mut stack = KittyStack::default();
        stack.push(0xff);
        assert_eq!(stack.flags(), KittyFlags(0b1_1111));
    }
}
