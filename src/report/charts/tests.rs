use std::path::Path;

use super::*;
use crate::report::lang::Lang;

#[test]
fn renders_pngs_for_review() {
    let p = fixture::portfolio();
    let dir = Path::new("/tmp/cpm-charts");
    std::fs::create_dir_all(dir).unwrap();
    let t = p.snapshot_days.len() - 1;
    for lang in [Lang::Ja, Lang::En] {
        let suffix = match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        };
        let png = |name: &str| dir.join(format!("{name}_{suffix}.png"));
        render_png(&png("1_grid"), SLIDE_SIZE, |a| portfolio_grid(a, &p, t, lang)).unwrap();
        render_png(&png("2_funnel"), SLIDE_SIZE, |a| funnel(a, &p, t, lang)).unwrap();
        render_png(&png("3_trend"), SLIDE_SIZE, |a| trend(a, &p, lang)).unwrap();
        render_png(&png("4_conversion"), SLIDE_SIZE, |a| conversion(a, &p, 0.5, lang)).unwrap();
        render_png(&png("5_transitions"), SLIDE_SIZE, |a| {
            transition_heatmap(a, &p, t, lang)
        })
        .unwrap();
        render_png(&png("6_ladder"), SLIDE_SIZE, |a| cohort_ladder(a, &p, lang)).unwrap();
        render_png(&png("7_sales"), SLIDE_SIZE, |a| sales_by_segment(a, &p, lang)).unwrap();
    }
}
