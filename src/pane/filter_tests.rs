use super::*;

fn run(chunks: &[&[u8]]) -> Vec<u8> {
    run_marked(chunks).0
}

/// The output and the offsets of U+FE0F in it.
fn run_marked(chunks: &[&[u8]]) -> (Vec<u8>, Vec<usize>) {
    let mut filter = SaveRestoreFilter::new();
    let mut all = Vec::new();
    let mut marks = Vec::new();
    let mut out = Vec::new();
    let mut vs16 = Vec::new();
    for chunk in chunks {
        filter.filter(chunk, &mut out, &mut vs16);
        marks.extend(vs16.iter().map(|at| at + all.len()));
        all.extend_from_slice(&out);
    }
    (all, marks)
}

#[test]
fn rewrites_bare_save_and_restore() {
    assert_eq!(run(&[b"a\x1b[sb\x1b[uc"]), b"a\x1b7b\x1b8c");
}

#[test]
fn rewrites_across_every_split_point() {
    let input: &[u8] = b"x\x1b[sy\x1b[uz";
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(run(&[head, tail]), b"x\x1b7y\x1b8z", "cut at {cut}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(run(&bytes), b"x\x1b7y\x1b8z");
}

#[test]
fn leaves_kitty_and_parameterised_forms_alone() {
    for seq in [
        &b"\x1b[>1u"[..],
        b"\x1b[<u",
        b"\x1b[?u",
        b"\x1b[=5;1u",
        b"\x1b[1s",
        b"\x1b[2;5u",
        b"\x1b[6n",
        b"\x1b7",
        b"\x1b]0;t\x1b\\",
    ] {
        assert_eq!(run(&[seq]), seq);
        let (head, tail) = seq.split_at(2);
        assert_eq!(run(&[head, tail]), seq);
    }
}

#[test]
fn line_drawing_text_becomes_box_characters_and_sequences_stay_intact() {
    assert_eq!(
        String::from_utf8(run(&[b"\x1b(0lqqk\x1b[1;31mx\x1b(Bq"])).unwrap(),
        "\x1b(0┌──┐\x1b[1;31m│\x1b(Bq"
    );
    // G1 through SO / SI, split anywhere.
    let input: &[u8] = b"\x1b)0a\x0eqj\x0fq\x1b]0;title q\x07";
    let whole = String::from_utf8(run(&[input])).unwrap();
    assert_eq!(whole, "\x1b)0a─┘q\x1b]0;title q\x07");
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(
            String::from_utf8(run(&[head, tail])).unwrap(),
            whole,
            "cut at {cut}"
        );
    }
}

#[test]
fn insert_mode_makes_room_and_1047_becomes_47() {
    assert_eq!(run(&[b"ab\x1b[4hX\x1b[4lY"]), b"ab\x1b[4h\x1b[@X\x1b[4lY");
    assert_eq!(run(&[b"\x1b[?1047hz\x1b[?1047l"]), b"\x1b[?47hz\x1b[?47l");
    // A private mode 4 is not insert mode.
    assert_eq!(run(&[b"\x1b[?4hX"]), b"\x1b[?4hX");
    // Split anywhere.
    let input: &[u8] = b"a\x1b[4hB\x1b[4l";
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(
            run(&[head, tail]),
            b"a\x1b[4h\x1b[@B\x1b[4l",
            "cut at {cut}"
        );
    }
}

#[test]
fn index_and_next_line_become_line_feeds() {
    assert_eq!(run(&[b"a\x1bDb\x1bEc"]), b"a\nb\r\nc");
    assert_eq!(run(&[b"a\x1b", b"Db"]), b"a\nb");
}

#[test]
fn escape_inside_csi_start_restarts() {
    assert_eq!(run(&[b"\x1b[\x1b[s"]), b"\x1b[\x1b7");
    assert_eq!(run(&[b"\x1b\x1b[u"]), b"\x1b\x1b8");
}

#[test]
fn holds_an_unfinished_prefix_until_the_next_chunk() {
    let mut filter = SaveRestoreFilter::new();
    let mut out = Vec::new();
    filter.filter(b"ab\x1b[", &mut out, &mut Vec::new());
    assert_eq!(out, b"ab");
    filter.filter(b"s", &mut out, &mut Vec::new());
    assert_eq!(out, b"\x1b7");
}

#[test]
fn an_overlong_string_is_cut_and_its_terminator_still_ends_it() {
    let long = vec![b'A'; MAX_STRING_BYTES * 3];
    let mut input = b"\x1b]0;".to_vec();
    input.extend_from_slice(&long);
    input.extend_from_slice(b"\x07after");
    let out = run(&[&input[..100], &input[100..]]);
    let mut expected = b"\x1b]0;".to_vec();
    expected.extend_from_slice(&long[..MAX_STRING_BYTES - 2]);
    expected.extend_from_slice(b"\x07after");
    assert_eq!(out, expected);
    // The same for ST, and for a DCS.
    let mut input = b"\x1bP".to_vec();
    input.extend_from_slice(&long);
    input.extend_from_slice(b"\x1b\\x");
    assert_eq!(run(&[&input]).len(), 2 + MAX_STRING_BYTES + 3);
}

#[test]
fn bel_ends_only_an_osc_and_can_or_sub_end_any_string() {
    // In a DCS, BEL is data (as in vte): text after it is still the string,
    // so insert mode must not put its ICH there.
    assert_eq!(
        run(&[b"\x1b[4h\x1bPq\x07x\x1b\\y"]),
        b"\x1b[4h\x1bPq\x07x\x1b\\\x1b[@y"
    );
    assert_eq!(
        run(&[b"\x1b[4h\x1b]0;t\x07y"]),
        b"\x1b[4h\x1b]0;t\x07\x1b[@y"
    );
    assert_eq!(run(&[b"\x1b[4h\x1b_a\x18y"]), b"\x1b[4h\x1b_a\x18\x1b[@y");
    assert_eq!(run(&[b"\x1b[4h\x1bXa\x1ay"]), b"\x1b[4h\x1bXa\x1a\x1b[@y");
}

#[test]
fn variation_selectors_in_text_are_marked_wherever_the_chunks_split() {
    let input = "a❤\u{fe0f}b\x1b]0;❤\u{fe0f}\x07\u{feff}❤\u{fe0f}".as_bytes();
    let whole = run_marked(&[input]);
    assert_eq!(whole.0, input);
    // The two in text, not the one in the title.
    assert_eq!(whole.1, vec![4, 25]);
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(run_marked(&[head, tail]), whole, "cut at {cut}");
    }
    // Insert mode makes room for characters, not for the selector.
    assert_eq!(
        run(&["\x1b[4h❤\u{fe0f}\u{feff}".as_bytes()]),
        "\x1b[4h\x1b[@❤\u{fe0f}\x1b[@\u{feff}".as_bytes()
    );
}

#[test]
fn a_character_split_between_reads_reaches_vt100_whole() {
    let mut filter = SaveRestoreFilter::new();
    let (mut out, mut vs16) = (Vec::new(), Vec::new());
    filter.filter(b"a\xc2", &mut out, &mut vs16);
    assert_eq!(out, b"a");
    filter.filter(b"\xad\t\x8d", &mut out, &mut vs16);
    assert_eq!(out, b"\xc2\xad\t\x8d");
    // Cut short by a byte that does not continue it: passed on as it is.
    filter.filter(b"\xe4\xb8", &mut out, &mut vs16);
    assert_eq!(out, b"");
    filter.filter(b"x\xf0\x9f\x98\x80", &mut out, &mut vs16);
    assert_eq!(out, b"\xe4\xb8x\xf0\x9f\x98\x80");
}
