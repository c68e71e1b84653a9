//! The modals drawn over the dashboard: the help box listing every key
//! binding, the new-workspace form, yes/no confirmations, and boxes of text
//! (a check's output, a merge preview).
//!
//! Each is a bordered box centred on the whole terminal and cleared first,
//! so pane output never shows through. The form is the one overlay with a
//! text cursor, so [`render`] returns where the terminal's cursor belongs.

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::keymap::BindingHelp;
use super::theme;
use super::{FormField, NewWorkspaceForm, Overlay};

const FORM_WIDTH: u16 = 60;
const FORM_FIELDS: [(FormField, &str, &str); 4] = [
    (FormField::Name, "Name", "required"),
    (FormField::Agent, "Agent", "(default)"),
    (FormField::Base, "Base", "(default)"),
    (FormField::Prompt, "Prompt", "(none)"),
];
/// "› " plus the longest label plus two spaces.
const LABEL_WIDTH: u16 = 10;
const FORM_KEYS: &str = "Enter create · Tab next field · Esc cancel";

/// Draws the overlay, if any; returns where the text cursor goes.
pub fn render(overlay: &Overlay<'_>, area: Rect, buf: &mut Buffer) -> Option<Position> {
    match overlay {
        Overlay::None => None,
        Overlay::Help { bindings } => {
            help(bindings, area, buf);
            None
        }
        Overlay::NewWorkspace { form } => new_workspace(form, area, buf),
        Overlay::Confirm { question } => {
            confirm(question, area, buf);
            None
        }
        Overlay::Text {
            title,
            body,
            footer,
        } => {
            text_box(title, body, footer, area, buf);
            None
        }
        Overlay::Board { cards } => {
            super::board::render(cards, area, buf);
            None
        }
        Overlay::Diff { view } => {
            super::diff::render(view, area, buf);
            None
        }
        Overlay::Choose {
            filter,
            rows,
            selected,
        } => super::choose::render(filter, rows, *selected, area, buf),
    }
}

/// The widest a text box gets; wider output is cut, not wrapped (it is
/// usually a log whose columns mean something).
const TEXT_WIDTH: usize = 100;

/// `text` wrapped at word boundaries to fit a text box: for prose, such as
/// an error that says what to do, which cutting would lose.
pub fn wrapped(text: &str) -> String {
    theme::wrap_words(text, TEXT_WIDTH - 4).join("\n")
}

fn text_box(title: &str, body: &str, footer: &str, area: Rect, buf: &mut Buffer) {
    let lines: Vec<&str> = body.lines().collect();
    let widest = lines.iter().map(|l| theme::width(l)).max().unwrap_or(0);
    let width = (widest.max(theme::width(footer)) + 4).clamp(30, TEXT_WIDTH);
    let room = usize::from(area.height).saturating_sub(6).max(1);
    let shown = &lines[lines.len().saturating_sub(room)..];
    let inner = frame(title, width, shown.len() + 4, area, buf);
    let rows = inner.y..inner.bottom().saturating_sub(2);
    for (line, y) in shown.iter().zip(rows) {
        let cut = theme::fit(line, usize::from(inner.width.saturating_sub(2)));
        buf.set_line(
            inner.x + 1,
            y,
            &Line::raw(cut),
            inner.width.saturating_sub(1),
        );
    }
    if let Some(last) = inner.bottom().checked_sub(1) {
        buf.set_line(
            inner.x + 1,
            last,
            &Line::styled(footer, theme::heading()),
            inner.width.saturating_sub(1),
        );
    }
}

/// Clears a centred `width`×`height` box (both including the border, both
/// clamped to `area`), draws its frame and returns the inside.
pub(super) fn frame(
    title: &str,
    width: usize,
    height: usize,
    area: Rect,
    buf: &mut Buffer,
) -> Rect {
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(height).unwrap_or(u16::MAX).min(area.height);
    let outer = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(outer, buf);
    isolate(outer, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(theme::ACCENT))
        .title(Line::styled(format!(" {title} "), theme::heading()));
    let inner = block.inner(outer);
    block.render(outer, buf);
    inner
}

/// Keeps wide glyphs in the panes from reaching into the box: one cut by
/// the left edge would be drawn over the border (the diff never emits the
/// cell after a wide glyph), and the right half of one cut by the right
/// edge must become an ordinary blank instead of a skipped continuation.
fn isolate(outer: Rect, buf: &mut Buffer) {
    for y in outer.top()..outer.bottom() {
        let left = outer.x.checked_sub(1).and_then(|x| buf.cell_mut((x, y)));
        if let Some(cell) = left.filter(|cell| cell.cell_width() > 1) {
            cell.set_symbol(" ");
            cell.diff_option = CellDiffOption::None;
        }
        let right = buf.cell_mut((outer.right(), y));
        if let Some(cell) = right.filter(|cell| cell.diff_option == CellDiffOption::Skip) {
            cell.set_symbol(" ");
            cell.diff_option = CellDiffOption::None;
        }
    }
}

fn help(bindings: &[BindingHelp], area: Rect, buf: &mut Buffer) {
    let keys_width = bindings
        .iter()
        .map(|b| theme::width(&b.keys))
        .max()
        .unwrap_or(0);
    let text_width = bindings
        .iter()
        .map(|b| theme::width(&b.description))
        .max()
        .unwrap_or(0);
    let inner = frame(
        "Keys",
        keys_width + text_width + 7,
        bindings.len() + 2,
        area,
        buf,
    );
    for (binding, y) in bindings.iter().zip(inner.y..inner.bottom()) {
        let padding = " ".repeat(keys_width - theme::width(&binding.keys));
        let line = Line::from(vec![
            Span::raw(" "),
            Span::styled(
                binding.keys.as_str(),
                Style::new().fg(theme::ACCENT).add_modifier(Modifier::BOLD),
            ),
            Span::raw(padding + "  "),
            Span::raw(binding.description.as_str()),
        ]);
        buf.set_line(inner.x, y, &line, inner.width);
    }
}

fn new_workspace(form: &NewWorkspaceForm, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let inner = frame("New workspace", usize::from(FORM_WIDTH), 9, area, buf);
    let value_x = inner.x + LABEL_WIDTH;
    // One cell stays free after the text for the cursor.
    let value_width = usize::from(inner.width.saturating_sub(LABEL_WIDTH + 1));
    let mut cursor = None;
    for ((field, label, placeholder), y) in FORM_FIELDS.iter().zip(inner.y..inner.bottom()) {
        let focused = *field == form.field;
        let (marker, label_style) = if focused {
            (
                "›",
                Style::new().fg(theme::ACCENT).add_modifier(Modifier::BOLD),
            )
        } else {
            (" ", Style::new())
        };
        let label = Line::from(vec![
            Span::styled(format!(" {marker}"), label_style),
            Span::styled(format!(" {label}"), label_style),
        ]);
        buf.set_line(inner.x, y, &label, LABEL_WIDTH.min(inner.width));
        let value = form.value(*field);
        let shown = if value.is_empty() {
            buf.set_string(value_x, y, placeholder, theme::hint());
            String::new()
        } else {
            let flat = value.replace('\n', "↵");
            let shown = tail(&flat, value_width).to_owned();
            buf.set_string(value_x, y, &shown, Style::new());
            shown
        };
        if focused {
            let offset = u16::try_from(theme::width(&shown)).unwrap_or(0);
            cursor = Some(Position::new(value_x + offset, y));
        }
    }
    let rows: Vec<u16> = (inner.y..inner.bottom()).collect();
    if let (Some(error), Some(&y)) = (&form.error, rows.get(5)) {
        buf.set_line(
            inner.x,
            y,
            &Line::styled(format!(" {error}"), theme::error()),
            inner.width,
        );
    }
    if let Some(&y) = rows.get(6) {
        buf.set_line(
            inner.x,
            y,
            &Line::styled(format!(" {FORM_KEYS}"), theme::hint()),
            inner.width,
        );
    }
    cursor.filter(|position| inner.contains(*position))
}

/// The end of `text` that fits in `width` cells, so the caret end of a
/// long value stays in view.
fn tail(text: &str, width: usize) -> &str {
    text.char_indices()
        .map(|(index, _)| &text[index..])
        .find(|rest| theme::width(rest) <= width)
        .unwrap_or("")
}

fn confirm(question: &str, area: Rect, buf: &mut Buffer) {
    let width = (theme::width(question) + 4)
        .clamp(30, 64)
        .min(usize::from(area.width));
    let lines = theme::wrap_words(question, width.saturating_sub(4));
    let inner = frame("Confirm", width, lines.len() + 4, area, buf);
    let mut text: Vec<Line<'_>> = lines.into_iter().map(Line::from).collect();
    text.push(Line::default());
    text.push(Line::styled("y / n", theme::heading()));
    theme::draw_centered(&text, inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_glyphs_cut_by_a_box_edge_become_blanks() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "a中bc中d", Style::new());
        buf[(6, 0)].diff_option = CellDiffOption::Skip;
        // The box covers columns 2..5: half of each 中 is inside.
        isolate(Rect::new(2, 0, 3, 1), &mut buf);
        assert_eq!(buf[(1, 0)].symbol(), " ");
        assert_eq!(buf[(5, 0)].symbol(), "中", "outside, untouched");
        buf[(5, 0)].set_symbol("x");
        isolate(Rect::new(3, 0, 3, 1), &mut buf);
        assert_eq!(buf[(6, 0)].symbol(), " ");
        assert_eq!(buf[(6, 0)].diff_option, CellDiffOption::None);
    }

    #[test]
    fn tail_keeps_the_end_that_fits() {
        assert_eq!(tail("short", 10), "short");
        assert_eq!(tail("0123456789", 4), "6789");
        assert_eq!(tail("漢字漢字", 5), "漢字");
        assert_eq!(tail("", 3), "");
    }
}
