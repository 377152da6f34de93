//! What the report says in words, where a reader would catch it out: a
//! reason that must match the rule behind the list, and English counts
//! that agree with their number (`1 first purchase`, `2 first purchases`).
//! The expected sentences are written from the spec and the hand-made
//! histories below, not copied from a run.

use std::path::Path;

use cpm::report::model::{ReportModel, build};
use cpm::text::lang::Lang;

use crate::commands::{cpm, sample, tables};

/// The report model of `orders` (a CSV text) run with `flags`, per language.
fn models(dir: &Path, orders: &str, flags: &[&str]) -> [ReportModel; 2] {
    let input = dir.join("orders.csv");
    std::fs::write(&input, orders).unwrap();
    let out = dir.join("t");
    let _ = std::fs::remove_dir_all(&out);
    tables(&input, &out, flags);
    let t = cpm::tables::read(&out).unwrap();
    [build(&t, Lang::Ja), build(&t, Lang::En)]
}

fn reading(m: &ReportModel, file: &str) -> String {
    m.charts
        .iter()
        .find(|c| c.file == file)
        .unwrap_or_else(|| panic!("no chart {file}"))
        .reading
        .clone()
}

fn vip_reason(flags: &[&str]) -> [String; 2] {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    tables(&sample(), &out, flags);
    let t = cpm::tables::read(&out).unwrap();
    [Lang::Ja, Lang::En].map(|lang| {
        let m = build(&t, lang);
        m.lists.iter().find(|l| l.file == "vip").unwrap().why.clone()
    })
}

#[test]
fn the_vip_list_gives_the_rule_that_made_them_vip() {
    // Spec section 8: VIP by frequency and recency, or by the top share of
    // spend (which needs no recent purchase), with this run's values.
    assert_eq!(
        vip_reason(&["--scheme", "lifecycle"]),
        [
            "購入日が 4 日以上で最後の購入から 45 日以内のお客様、または休眠以外で累計購入額が上位 1%(同額を含む)のお客様。\
             紹介やレビューをお願いする対象。",
            "4 or more purchase days and a purchase within 45 days, or in the top 1% of non-dormant customers by \
             cumulative purchases (ties included): ask them for referrals and reviews.",
        ]
    );
    // With the top share off, only the frequency rule is left to name.
    assert_eq!(
        vip_reason(&[
            "--scheme",
            "lifecycle",
            "--vip-top-share",
            "0",
            "--vip-min-purchase-days",
            "5",
            "--vip-recency-days",
            "40",
        ]),
        [
            "購入日が 5 日以上で、最後の購入から 40 日以内のお客様。紹介やレビューをお願いする対象。",
            "5 or more purchase days and a purchase within 40 days: ask them for referrals and reviews.",
        ]
    );
}

#[test]
fn lifecycle_sentences_agree_with_their_counts() {
    // Top share off; month-ends 2024-12, 2025-01, 2025-02. U bought on
    // 2024-12-25 only: at 2025-01-31 (37 days) the one customer at risk, at
    // 2025-02-28 (65 days) dormant. V (and W, in the first history) buy
    // for the first time in February: newcomers.
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--scheme", "lifecycle", "--vip-top-share", "0"];
    let head = "customer_id,order_date,amount\nU,2024-12-25,3000\nV,2025-02-10,1000\n";
    let two = format!("{head}W,2025-02-28,2000\n");
    // V alone in February (on the 28th, so that February is a month-end).
    let one = head.replace("2025-02-10", "2025-02-28");
    for (orders, first, not_dormant, newcomers) in [
        (
            &two,
            ["2 人", "2 first purchases"],
            "2 customers are",
            "66.7% of all): 0 VIP, 0 at risk, 0 winback, 2 newcomers",
        ),
        (
            &one,
            ["1 人", "1 first purchase"],
            "1 customer is",
            "50.0% of all): 0 VIP, 0 at risk, 0 winback, 1 newcomer",
        ),
    ] {
        let [ja, en] = models(dir.path(), orders, &flags);
        assert_eq!(
            reading(&ja, "02_transitions"),
            format!(
                "今月の初購入は {}。前月末の休眠予備軍 1 人のうち 1 人(100.0%)が休眠に入り、0 人が購入して戻りました。",
                first[0]
            )
        );
        assert_eq!(
            reading(&en, "02_transitions"),
            format!(
                "{} this month. Of last month's 1 at-risk customer, 1 (100.0%) went dormant and 0 bought again.",
                first[1]
            )
        );
        assert_eq!(
            reading(&en, "01_states"),
            format!(
                "{not_dormant} not dormant ({newcomers}, 0 active. 1 is dormant. There is no month-end a year back \
                 yet, so no year-on-year comparison."
            )
        );
    }
}

/// `export.csv` in `dir`: one purchase of A, then `cancelled` rows of A
/// holding 1 in a キャンセル column that the run is not told about.
fn write_export_with_cancelled(dir: &std::path::Path, cancelled: usize) {
    let mut text = String::from("customer_id,order_date,amount,キャンセル\nA,2025-01-05,1000,0\n");
    for i in 0..cancelled {
        text += &format!("A,2025-01-{:02},2000,1\n", 10 + i);
    }
    std::fs::write(dir.join("export.csv"), text).unwrap();
}

#[test]
fn init_counts_the_rows_that_look_cancelled_in_words_that_agree() {
    let dir = tempfile::tempdir().unwrap();
    let cancel_line = |cancelled: usize| {
        write_export_with_cancelled(dir.path(), cancelled);
        cpm()
            .current_dir(dir.path())
            .args(["init", "--force", "--input", "export.csv"])
            .assert()
            .success();
        let toml = std::fs::read_to_string(dir.path().join("cpm.toml")).unwrap();
        toml.lines()
            .find(|l| l.starts_with("cancel = "))
            .unwrap_or_else(|| panic!("no cancel line in\n{toml}"))
            .to_string()
    };
    assert_eq!(
        cancel_line(1),
        "cancel = \"キャンセル\"  # 1 row looks cancelled (e.g. \"1\")"
    );
    assert_eq!(
        cancel_line(2),
        "cancel = \"キャンセル\"  # 2 rows look cancelled (e.g. \"1\")"
    );
}

#[test]
fn the_cancel_flag_warning_counts_rows_in_words_that_agree() {
    let dir = tempfile::tempdir().unwrap();
    let warning = |cancelled: usize| {
        write_export_with_cancelled(dir.path(), cancelled);
        let out = cpm()
            .current_dir(dir.path())
            .args([
                "tables",
                "--input",
                "export.csv",
                "--as-of",
                "2025-01-31",
                "--out-dir",
                "t",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // The closing note agrees with its counts too.
        let note = format!(
            "wrote t: {} rows read, 1 customer, 1 snapshot (2025-01-31 .. 2025-01-31)",
            cancelled + 1
        );
        assert!(stderr.contains(&note), "{stderr}");
        let line = stderr.lines().find(|l| l.contains("cancellation flag"));
        line.unwrap_or_else(|| panic!("no warning in\n{stderr}")).to_string()
    };
    let expected = |found: &str| {
        format!(
            "warning: column 'キャンセル' looks like a cancellation flag: {found}. To leave cancelled lines out \
             (counted as cancelled), pass --cancel-col キャンセル [--cancel-values V1,V2] or set columns.cancel \
             in cpm.toml"
        )
    };
    assert_eq!(
        warning(1),
        expected("1 row holds a value such as \"1\", and was counted as a purchase")
    );
    assert_eq!(
        warning(3),
        expected("3 rows hold values such as \"1\", and were counted as purchases")
    );
}

#[test]
fn cpm_sentences_agree_with_their_counts() {
    // A bought once in January 2024: at 2025-01-31 and 2025-02-28 more than
    // 240 days ago, so 初回離脱. B's first purchase is on 2025-02-28: the
    // month's one new customer and the one active customer; no one was
    // 初回現役 at the end of January.
    let dir = tempfile::tempdir().unwrap();
    let [_, en] = models(
        dir.path(),
        "customer_id,order_date,amount\nA,2024-01-10,5000\nB,2025-02-28,3000\n",
        &[],
    );
    assert_eq!(
        reading(&en, "01_portfolio"),
        "1 active customer (+1 vs last month), of whom 0 are loyal (0.0% of active; target 20.0%). 1 customer \
         has lapsed."
    );
    assert_eq!(
        reading(&en, "05_transitions"),
        "1 new customer this month. Of last month's 0 active first-time customers, 0 (0.0%) moved to toddler and \
         0 lapsed (a month-over-month move, not the cohort conversion rate)."
    );
}

#[test]
fn the_summary_by_group_counts_its_groups_in_words_that_agree() {
    // No cohort has matured by 2025-02-28 (90 days), so there is no window.
    let dir = tempfile::tempdir().unwrap();
    let heading = |second_channel: &str| {
        let input = dir.path().join("orders.csv");
        let text = format!(
            "customer_id,order_date,amount,channel\nA,2025-01-10,5000,web\nB,2025-02-28,3000,{second_channel}\n"
        );
        std::fs::write(&input, text).unwrap();
        let out = cpm()
            .args(["summary", "--quiet", "--by", "channel", "--lang", "en", "--input"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        stdout
            .lines()
            .find(|l| l.starts_with("By channel"))
            .unwrap_or_else(|| panic!("no By line in\n{stdout}"))
            .to_string()
    };
    assert_eq!(
        heading("web"),
        "By channel (most customers at the month-end first; 1 group; conversion over the matured cohorts of -)"
    );
    assert_eq!(
        heading("tel"),
        "By channel (most customers at the month-end first; 2 groups; conversion over the matured cohorts of -)"
    );
}
