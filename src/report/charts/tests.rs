//! Chart tests on the simulated portfolio of [`super::fixture`].
//!
//! `renders_every_chart_to_png` writes the PNGs into `$CPM_CHARTS_DIR` when
//! it is set (for looking at them), else into a temporary directory.

use std::path::PathBuf;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{INK, text_at};
use super::text::draw_text;
use super::*;
use crate::engine::portfolio::Portfolio;
use crate::report::fonts::{ensure_fonts_registered, glyph_x_metrics, has_glyph};
use crate::text::lang::Lang;

/// (file name, Japanese title, English title, chart) for the report month
/// `t` = the last snapshot.
type Chart = fn(DrawingArea<SVGBackend<'_>, Shift>, &Portfolio, usize, Lang) -> Result<(), ChartError>;

fn charts() -> [(&'static str, &'static str, &'static str, Chart); 7] {
    [
        ("1_grid", "CPM ポートフォリオ", "CPM portfolio", |a, p, t, l| {
            portfolio_grid(a, p, t, l)
        }),
        ("2_funnel", "育成ファネル", "Development funnel", |a, p, t, l| {
            funnel(a, p, t, l)
        }),
        ("3_trend", "顧客数の推移", "Customers over time", |a, p, _, l| {
            trend(a, p, l)
        }),
        (
            "4_conversion",
            "初回→よちよち転換率",
            "First → toddler conversion",
            |a, p, _, l| conversion(a, p, 0.5, l),
        ),
        (
            "5_transitions",
            "前月からの移動",
            "Moves from the previous month",
            |a, p, t, l| transition_heatmap(a, p, t, l),
        ),
        (
            "6_ladder",
            "初回購入者100人のその後",
            "What becomes of 100 first-time buyers",
            |a, p, _, l| cohort_ladder(a, p, l),
        ),
        ("7_sales", "月間売上", "Monthly sales", |a, p, _, l| {
            sales_by_segment(a, p, l)
        }),
    ]
}

fn last(p: &Portfolio) -> usize {
    p.snapshot_days.len() - 1
}

/// Renders `text` black on white into a `w`×`h` RGB buffer.
fn raster(text: &str, px: f64, (w, h): (u32, u32)) -> Vec<u8> {
    ensure_fonts_registered();
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).unwrap();
        draw_text(
            &root,
            text,
            &text_at(px, INK, HPos::Left, VPos::Center),
            (4, h as i32 / 2),
        )
        .unwrap();
        root.present().unwrap();
    }
    buf
}

fn dark_pixels(buf: &[u8]) -> usize {
    buf.chunks(3)
        .filter(|p| p.iter().map(|&c| u32::from(c)).sum::<u32>() < 3 * 128)
        .count()
}

#[test]
fn japanese_renders_as_real_glyphs() {
    // U+E000 (private use) is not in IPAex Gothic: whatever plotters draws
    // for it is the missing glyph.
    assert!(!has_glyph('\u{E000}'));
    let missing = raster("\u{E000}", 48.0, (64, 64));
    let mut seen = Vec::new();
    for c in "優良現役離脱初回よちよち流行コツコツ".chars() {
        assert!(has_glyph(c), "IPAex Gothic lacks {c}");
        let glyph = raster(&c.to_string(), 48.0, (64, 64));
        assert_ne!(glyph, missing, "{c} rendered as the missing glyph");
        // An ideograph or kana covers some, not all, of its em square.
        let dark = dark_pixels(&glyph);
        assert!((60..48 * 48 * 6 / 10).contains(&dark), "{c}: {dark} dark pixels");
        seen.push(glyph);
    }
    // Different characters look different.
    assert_ne!(seen[0], seen[1]);
    let word = raster("優良現役", 48.0, (240, 64));
    assert!(
        dark_pixels(&word) > 4 * 100,
        "優良現役 has {} dark pixels",
        dark_pixels(&word)
    );
}

#[test]
fn the_font_has_every_symbol_the_charts_use() {
    for c in "▲▼→↓＼±−〜・（）：％、。＝人円万百億".chars() {
        assert!(has_glyph(c), "IPAex Gothic lacks {c} (U+{:04X})", c as u32);
    }
}

#[test]
fn glyph_metrics_agree_with_plotters_layout() {
    ensure_fonts_registered();
    let mut buf = vec![0u8; 3 * 16];
    let root = BitMapBackend::with_buffer(&mut buf, (4, 4)).into_drawing_area();
    for text in [
        "CPM ポートフォリオ（2024-06末）",
        "前月比 ▲ +1,234",
        "Loyal share 27.4%",
    ] {
        let (w, _) = root
            .estimate_text_size(text, &text_at(40.0, INK, HPos::Left, VPos::Top))
            .unwrap();
        let ours: f64 = text.chars().map(|c| glyph_x_metrics(c, 40.0).unwrap().0).sum();
        assert!((f64::from(w) - ours).abs() <= 1.0, "{text}: plotters {w}, ours {ours}");
    }
}

#[test]
fn every_chart_renders_to_svg_with_its_title() {
    let p = fixture::portfolio();
    for (name, ja, en, chart) in charts() {
        for (lang, title) in [(Lang::Ja, ja), (Lang::En, en)] {
            let svg = render_svg(SLIDE_SIZE, |a| chart(a, p, last(p), lang)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(svg.contains(title), "{name} ({lang:?}) lacks its title {title}");
            assert!(
                svg.contains("font-family=\"IPAexGothic"),
                "{name}: {}",
                &svg[..svg.len().min(400)]
            );
        }
    }
}

#[test]
fn renders_every_chart_to_png() {
    let p = fixture::portfolio();
    let keep = std::env::var_os("CPM_CHARTS_DIR").map(PathBuf::from);
    let temp = tempfile::tempdir().unwrap();
    let dir = keep.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let t = last(p);
    for lang in [Lang::Ja, Lang::En] {
        let png = |name: &str| dir.join(format!("{name}_{}.png", lang.pick("ja", "en")));
        render_png(&png("1_grid"), SLIDE_SIZE, |a| portfolio_grid(a, p, t, lang)).unwrap();
        render_png(&png("2_funnel"), SLIDE_SIZE, |a| funnel(a, p, t, lang)).unwrap();
        render_png(&png("3_trend"), SLIDE_SIZE, |a| trend(a, p, lang)).unwrap();
        render_png(&png("4_conversion"), SLIDE_SIZE, |a| conversion(a, p, 0.5, lang)).unwrap();
        render_png(&png("5_transitions"), SLIDE_SIZE, |a| transition_heatmap(a, p, t, lang)).unwrap();
        render_png(&png("6_ladder"), SLIDE_SIZE, |a| cohort_ladder(a, p, lang)).unwrap();
        render_png(&png("7_sales"), SLIDE_SIZE, |a| sales_by_segment(a, p, lang)).unwrap();
    }
    // The first month: no previous month to compare with.
    render_png(&dir.join("1_grid_first_ja.png"), SLIDE_SIZE, |a| {
        portfolio_grid(a, p, 0, Lang::Ja)
    })
    .unwrap();
    render_png(&dir.join("5_transitions_first_ja.png"), SLIDE_SIZE, |a| {
        transition_heatmap(a, p, 0, Lang::Ja)
    })
    .unwrap();
    let written = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
        .count();
    assert!(written >= 16);
}

#[test]
fn png_errors_name_the_file() {
    let p = fixture::portfolio();
    let path = std::path::Path::new("/nonexistent-dir/chart.png");
    let err = render_png(path, SLIDE_SIZE, |a| funnel(a, p, last(p), Lang::Ja)).unwrap_err();
    assert!(matches!(err, ChartError::Write { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent-dir/chart.png"), "{err}");
}

#[test]
fn first_month_and_bad_months() {
    let p = fixture::portfolio();
    // t = 0: no previous month, so no transitions and no change column.
    let svg = render_svg(SLIDE_SIZE, |a| transition_heatmap(a, p, 0, Lang::Ja)).unwrap();
    assert!(svg.contains("前月がない"));
    let svg = render_svg(SLIDE_SIZE, |a| portfolio_grid(a, p, 0, Lang::Ja)).unwrap();
    assert!(!svg.contains("前月比 ▲"));
    let t = p.snapshot_days.len();
    let err = render_svg(SLIDE_SIZE, |a| funnel(a, p, t, Lang::Ja)).unwrap_err();
    assert!(
        matches!(err, ChartError::NoSuchSnapshot { index, count } if index == t && count == t),
        "{err}"
    );
}

#[test]
fn empty_portfolio_draws_messages() {
    let mut p = fixture::portfolio().clone();
    p.snapshot_days.clear();
    p.counts.clear();
    p.sales.clear();
    p.cumulative_sales.clear();
    p.transitions.clear();
    p.conversion.clear();
    p.ladder.clear();
    p.customers.clear();
    for (name, ja, _, chart) in charts() {
        let result = render_svg(SLIDE_SIZE, |a| chart(a, &p, 0, Lang::Ja));
        match name {
            // Charts of one month need that month.
            "1_grid" | "2_funnel" | "5_transitions" => {
                assert!(matches!(result, Err(ChartError::NoSuchSnapshot { .. })), "{name}")
            }
            _ => assert!(result.unwrap().contains(ja), "{name}"),
        }
    }
}

#[test]
fn tier_charts_refuse_other_schemes() {
    let mut p = fixture::portfolio().clone();
    p.labels.truncate(6);
    let err = render_svg(SLIDE_SIZE, |a| portfolio_grid(a, &p, 1, Lang::Ja)).unwrap_err();
    assert!(matches!(err, ChartError::NotCpm { segments: 6 }), "{err}");
}

#[test]
fn negative_sales_are_drawn_below_zero() {
    let mut p = fixture::portfolio().clone();
    // Lapsed customers only return goods: their month is negative.
    for row in &mut p.sales {
        row[9] = -5_000_000_000_000;
    }
    let svg = render_svg(SLIDE_SIZE, |a| sales_by_segment(a, &p, Lang::Ja)).unwrap();
    assert!(svg.contains("月間売上"));
    if let Some(dir) = std::env::var_os("CPM_CHARTS_DIR") {
        let path = PathBuf::from(dir).join("7_sales_negative_ja.png");
        render_png(&path, SLIDE_SIZE, |a| sales_by_segment(a, &p, Lang::Ja)).unwrap();
    }
}

#[test]
fn english_charts_use_ascii_brackets() {
    let p = fixture::portfolio();
    for (name, _, _, chart) in charts() {
        let svg = render_svg(SLIDE_SIZE, |a| chart(a, p, last(p), Lang::En)).unwrap();
        assert!(!svg.contains(['（', '）']), "{name} has full-width brackets in English");
    }
    // The winback chart needs the six lifecycle states: the fixture's
    // moves, cut to six states and the row of new customers.
    let mut p = p.clone();
    p.labels = crate::engine::lifecycle::LIFECYCLE_LABELS.to_vec();
    for m in &mut p.transitions {
        m.cells.truncate(p.labels.len() + 1);
        for row in &mut m.cells {
            row.truncate(p.labels.len());
        }
    }
    for (lang, legend) in [(Lang::En, "Winback (from dormant)"), (Lang::Ja, "復活（休眠から）")] {
        let svg = render_svg(SLIDE_SIZE, |a| winback_flow(a, &p, lang)).unwrap();
        assert!(svg.contains(legend), "{lang:?}: no legend {legend}");
    }
}
