//! The month's bridge (増減の内訳): why 現役, or 優良現役, changed between two
//! month-ends, read off the transition matrix. Start and end come from the
//! snapshot counts, the steps from the matrix, so [`Bridge::adds_up`] is a
//! real check of the two against each other. No I/O.
//!
//! Both schemes have one. In the CPM scheme the customers who have left
//! are the 離脱 segments, in the lifecycle scheme (spec section 8) 休眠
//! (`dormant`); everyone else is "in the portfolio" (現役, or 休眠以外). The
//! bridges follow that whole group ([`BridgeOf::Active`]: 現役 / 稼働) and its
//! best customers ([`BridgeOf::LoyalActive`]: 優良現役 / 優良(VIP)). A
//! promotion comes into the best customers from another state still in the
//! portfolio, a demotion leaves them for one (in the lifecycle scheme: a
//! VIP whose recency passed `vip_recency_days` or who fell out of the top
//! share, without going dormant).

use crate::engine::lifecycle::{DORMANT, LIFECYCLE_LABELS, VIP};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::CpmLayout;

/// Which customers a bridge follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeOf {
    /// Every active (現役) segment; every state but 休眠 in the lifecycle scheme.
    Active,
    /// 優良現役 (with 超優良現役 when that tier is on); 優良(VIP) in the lifecycle scheme.
    LoyalActive,
}

/// The scheme a bridge was read in (its steps are named by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeScheme {
    Cpm,
    Lifecycle,
}

impl BridgeOf {
    pub const ALL: [BridgeOf; 2] = [BridgeOf::Active, BridgeOf::LoyalActive];
}

/// The segments of a portfolio as a bridge sees them.
struct Sets {
    scheme: BridgeScheme,
    /// The segments of customers who have left (離脱, 休眠).
    gone: Vec<usize>,
    /// Every other segment.
    staying: Vec<usize>,
    /// The best customers, within `staying`.
    best: Vec<usize>,
}

impl Sets {
    fn of(p: &Portfolio) -> Option<Sets> {
        if let Some(layout) = CpmLayout::of(&p.labels) {
            return Some(Sets {
                scheme: BridgeScheme::Cpm,
                gone: layout.lapsed().collect(),
                staying: layout.active().collect(),
                best: layout.loyal(false).collect(),
            });
        }
        (p.labels.as_slice() == LIFECYCLE_LABELS.as_slice()).then(|| Sets {
            scheme: BridgeScheme::Lifecycle,
            gone: vec![DORMANT],
            staying: (0..LIFECYCLE_LABELS.len()).filter(|&s| s != DORMANT).collect(),
            best: vec![VIP],
        })
    }

    fn followed(&self, of: BridgeOf) -> &[usize] {
        match of {
            BridgeOf::Active => &self.staying,
            BridgeOf::LoyalActive => &self.best,
        }
    }
}

/// start + new + comebacks + promotions − lapsed − demotions = end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bridge {
    pub(crate) of: BridgeOf,
    pub scheme: BridgeScheme,
    /// Snapshot index of the end (`t`); the start is `t - 1`.
    pub(crate) t: usize,
    pub start: u64,
    /// First present at `t` (the matrix's `new` row).
    pub new: u64,
    /// From a segment of customers who had left (離脱, 休眠) at `t-1`.
    pub comebacks: u64,
    /// From a segment still in the portfolio outside the followed ones (a
    /// lower tier; another lifecycle state).
    pub promotions: u64,
    /// To a segment of customers who have left (離脱, 休眠) at `t`.
    pub lapsed: u64,
    /// To a segment still in the portfolio outside the followed ones (e.g.
    /// a return took the total under the 優良 amount; a VIP now at risk).
    pub demotions: u64,
    pub end: u64,
}

impl Bridge {
    /// `end - start`.
    pub(crate) fn change(&self) -> i64 {
        self.end as i64 - self.start as i64
    }

    /// The steps lead from start to end.
    pub fn adds_up(&self) -> bool {
        self.start as i128 + self.new as i128 + self.comebacks as i128 + self.promotions as i128
            - self.lapsed as i128
            - self.demotions as i128
            == self.end as i128
    }
}

/// The bridge into snapshot `t` (from `t - 1`); `None` for the first
/// snapshot or a portfolio of neither scheme.
pub fn bridge(p: &Portfolio, t: usize, of: BridgeOf) -> Option<Bridge> {
    let sets = Sets::of(p)?;
    let m = p.transitions.get(t.checked_sub(1)?)?;
    let inside = sets.followed(of);
    let is_in = |s: usize| inside.contains(&s);
    let is_gone = |s: usize| sets.gone.contains(&s);
    let other_staying = |s: usize| sets.staying.contains(&s) && !is_in(s);
    let sum = |from: &mut dyn Iterator<Item = usize>, to: &dyn Fn(usize) -> bool| -> u64 {
        from.map(|f| {
            m.cells[f]
                .iter()
                .enumerate()
                .filter(|&(s, _)| to(s))
                .map(|(_, &v)| v)
                .sum::<u64>()
        })
        .sum()
    };
    Some(Bridge {
        of,
        scheme: sets.scheme,
        t,
        start: inside.iter().map(|&s| p.counts[t - 1][s]).sum(),
        new: sum(&mut std::iter::once(m.new_row()), &is_in),
        comebacks: sum(&mut sets.gone.iter().copied(), &is_in),
        promotions: sum(&mut sets.staying.iter().copied().filter(|&s| !is_in(s)), &is_in),
        lapsed: sum(&mut inside.iter().copied(), &is_gone),
        demotions: sum(&mut inside.iter().copied(), &other_staying),
        end: inside.iter().map(|&s| p.counts[t][s]).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::portfolio::TransitionMatrix;
    use crate::engine::segments::CPM_LABELS;

    /// Two snapshots, ten segments: the matrix by hand.
    fn portfolio() -> Portfolio {
        let mut cells = vec![vec![0u64; 10]; 11];
        cells[10][0] = 5; // new → 初回現役
        cells[3][4] = 14; // コツコツ現役 → 優良現役 (promotion)
        cells[9][4] = 2; // 優良離脱 → 優良現役 (come-back)
        cells[4][9] = 10; // 優良現役 → 優良離脱 (lapsed)
        cells[4][3] = 1; // 優良現役 → コツコツ現役 (demotion)
        cells[4][4] = 30;
        cells[3][3] = 20;
        cells[8][3] = 3; // コツコツ離脱 → コツコツ現役
        let mut before = vec![0u64; 10];
        let mut after = vec![0u64; 10];
        for (from, row) in cells.iter().enumerate() {
            for (to, &v) in row.iter().enumerate() {
                if from < 10 {
                    before[from] += v;
                }
                after[to] += v;
            }
        }
        Portfolio {
            labels: CPM_LABELS.to_vec(),
            snapshot_days: vec![0, 31],
            counts: vec![before, after],
            sales: vec![vec![0; 10]; 2],
            cumulative_sales: vec![vec![0; 10]; 2],
            transitions: vec![TransitionMatrix {
                from_day: 0,
                to_day: 31,
                cells,
            }],
            conversion: Vec::new(),
            ladder: Vec::new(),
            customers: Vec::new(),
            ids: Default::default(),
            as_of: 31,
        }
    }

    #[test]
    fn loyal_active_bridge_by_hand() {
        let b = bridge(&portfolio(), 1, BridgeOf::LoyalActive).unwrap();
        // Start: 30 stayed + 10 lapsed + 1 demoted = 41; end: 30 + 14 + 2 = 46.
        assert_eq!(
            (b.start, b.new, b.comebacks, b.promotions, b.lapsed, b.demotions, b.end),
            (41, 0, 2, 14, 10, 1, 46)
        );
        assert!(b.adds_up());
        assert_eq!(b.change(), 5);
    }

    #[test]
    fn active_bridge_by_hand() {
        let b = bridge(&portfolio(), 1, BridgeOf::Active).unwrap();
        // Start: 14 + 20 + 30 + 10 + 1 = 75 active; end 5 + 14 + 2 + 30 + 20 + 1 + 3 = 75.
        assert_eq!(
            (b.start, b.new, b.comebacks, b.promotions, b.lapsed, b.demotions, b.end),
            (75, 5, 5, 0, 10, 0, 75)
        );
        assert!(b.adds_up());
    }

    #[test]
    fn no_bridge_into_the_first_snapshot() {
        assert!(bridge(&portfolio(), 0, BridgeOf::Active).is_none());
    }
}
