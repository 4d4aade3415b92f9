//! Inline SVG charts drawn on the server (no scripts, no external assets),
//! readable at 1366 px and on a phone: they scale to the card's width.

use crate::layout::html_escape;

/// One column: its label (shown under every few columns and in the
/// tooltip), value, and class (`b` normal, `bad` below a minimum,
/// `unknown` 数据不足).
pub struct Column {
    pub label: String,
    pub value: i64,
    pub class: &'static str,
}

/// A column chart with an optional dashed threshold line. `every` says
/// how often a label is written under the columns.
pub fn columns(cols: &[Column], threshold: Option<i64>, every: usize, aria: &str) -> String {
    let (left, top, plot_h, bar_w, gap) = (34_i64, 8_i64, 120_i64, 18_i64, 6_i64);
    let max = cols
        .iter()
        .map(|c| c.value)
        .chain(threshold)
        .max()
        .unwrap_or(0)
        .max(1);
    let width = left + (bar_w + gap) * cols.len() as i64 + 4;
    let height = top + plot_h + 34;
    let y = |v: i64| top + plot_h - plot_h * v / max;
    let mut s = format!(
        "<svg class=\"chart columns\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        html_escape(aria)
    );
    s.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" class=\"n\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{}\" class=\"n\" text-anchor=\"end\">0</text><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"axis\"></line>",
        left - 4,
        top + 8,
        left - 4,
        top + plot_h,
        top + plot_h,
        width,
        top + plot_h
    ));
    for (i, c) in cols.iter().enumerate() {
        let x = left + (bar_w + gap) * i as i64 + gap / 2;
        let h = (top + plot_h - y(c.value)).max(if c.value > 0 { 1 } else { 0 });
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar_w}\" height=\"{h}\" class=\"{}\"><title>{}：{}</title></rect>",
            top + plot_h - h,
            c.class,
            html_escape(&c.label),
            c.value
        ));
        if every > 0 && i % every == 0 {
            s.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" class=\"l small\">{}</text>",
                top + plot_h + 16,
                html_escape(&c.label)
            ));
        }
    }
    if let Some(t) = threshold.filter(|t| *t > 0) {
        s.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{0}\" x2=\"{width}\" y2=\"{0}\" class=\"min\"><title>每周最少 {t} 条</title></line>",
            y(t)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scale_to_the_largest_value_and_escape_labels() {
        let cols = [
            Column {
                label: "<w1>".into(),
                value: 10,
                class: "b",
            },
            Column {
                label: "w2".into(),
                value: 5,
                class: "bad",
            },
            Column {
                label: "w3".into(),
                value: 0,
                class: "unknown",
            },
        ];
        let svg = columns(&cols, Some(2), 2, "更新");
        assert!(svg.contains("&lt;w1&gt;"));
        assert!(!svg.contains("<w1>"));
        assert!(svg.contains("height=\"120\" class=\"b\""));
        assert!(svg.contains("height=\"60\" class=\"bad\""));
        assert!(svg.contains("height=\"0\" class=\"unknown\""));
        // Labels under every second column only.
        assert_eq!(svg.matches("class=\"l small\"").count(), 2);
        assert!(svg.contains("每周最少 2 条"));
    }
}
