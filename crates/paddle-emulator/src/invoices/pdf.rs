//! A minimal PDF 1.4 document: one A4 page of Helvetica text lines.
//!
//! Hand-written rather than a dependency: five objects, a content stream and an exact
//! cross-reference table are all a reader needs.

/// Top margin, left margin and line height, in points.
const TOP: u32 = 800;
const LEFT: u32 = 56;
const LEADING: u32 = 16;
/// Lines that fit on the page.
pub(crate) const MAX_LINES: usize = 46;

/// A string literal's content: `(`, `)` and `\` escaped; Latin-1 letters as octal
/// escapes (WinAnsiEncoding has them at the same codes); anything else `?`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            '\u{a0}'..='\u{ff}' => out.push_str(&format!("\\{:03o}", u32::from(c))),
            _ => out.push('?'),
        }
    }
    out
}

/// The PDF bytes of a page showing `lines` from the top; the first line is a title.
pub(crate) fn render(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT\n");
    for (i, line) in lines.iter().take(MAX_LINES).enumerate() {
        let size = if i == 0 { 20 } else { 11 };
        let y = TOP - u32::try_from(i).unwrap_or(0) * LEADING;
        content.push_str(&format!(
            "/F1 {size} Tf 1 0 0 1 {LEFT} {y} Tm ({}) Tj\n",
            escape(line)
        ));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = render(&["Invoice".to_owned(), "Pro (1) x 1: $30.00".to_owned()]);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        // The binary comment is not UTF-8: byte offsets are read from the tail only.
        let tail_at = pdf.len().saturating_sub(400);
        let tail = String::from_utf8_lossy(&pdf[tail_at..]).into_owned();
        let xref_at: usize = tail
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_default();
        assert!(pdf[xref_at..].starts_with(b"xref\n0 6\n"));
        let table = String::from_utf8_lossy(&pdf[xref_at..]).into_owned();
        for (i, entry) in table.lines().skip(3).take(5).enumerate() {
            let offset: usize = entry[..10].parse().unwrap_or_default();
            let header = format!("{} 0 obj", i + 1);
            assert!(
                pdf[offset..].starts_with(header.as_bytes()),
                "object {}",
                i + 1
            );
        }
        let body = String::from_utf8_lossy(&pdf);
        assert!(body.contains("(Pro \\(1\\) x 1: $30.00) Tj"));
    }

    #[test]
    fn latin_1_is_escaped_and_the_rest_replaced_so_the_stream_stays_ascii() {
        assert_eq!(escape("Zoë (a\\b)"), "Zo\\353 \\(a\\\\b\\)");
        assert_eq!(escape("Łódź ✓"), "?\\363d? ?");
    }
}
