//! The simulation: every customer's future purchase days drawn from the
//! fitted purchase model, then the CPM rules applied at every coming
//! month-end, exactly as for the history.
//!
//! Why simulate rather than carry rates between segments: a customer's
//! segment depends on their own first and last purchase and total, so the
//! march towards the 240-day line (and towards 90 and 210 days of tenure)
//! is exact, and any rule change applies to the forecast for free. The
//! draws are seeded per customer, so the result does not depend on threads.

use crate::dates::Day;
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::{Classifier, Facts};
use crate::money::Money;

use super::bgnbd::BgNbd;
use super::model::summary;
use super::process::Process;
use super::regular::Timing;
use super::rng::Rng;
use super::state::{Customer, in_parallel};

/// The 初回→よちよち scenario: first-time customers whose 90-day window is
/// still open convert at `rate` instead of the `observed` one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    pub rate: f64,
    pub observed: f64,
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    pub rules: SchemeRules<'a>,
    /// The 初回→よちよち window (the scenario's), in days.
    pub toddler_days: i32,
    /// Lifecycle: the VIP top-share threshold total at each coming
    /// month-end (empty: none; see [`vip_thresholds`]).
    pub vip: Vec<Option<Money>>,
    pub origin: Day,
    /// The coming month-ends (the forecast's periods end on them).
    pub month_ends: Vec<Day>,
    /// `None`: no one in the history bought twice, so no one will.
    pub model: Option<BgNbd>,
    /// Events per purchase: Erlang-k gaps ([`super::regular`]); 1 is
    /// BG/NBD's exponential gaps.
    pub k: u32,
    /// Multiplies every purchase rate (1 = the model as fitted).
    pub rate_factor: f64,
    /// New customers in each coming month.
    pub new_per_month: Vec<u64>,
    /// Spend per purchase day of recent newcomers, borrowed by new customers.
    pub new_spend: Vec<i64>,
    pub scenario: Option<Conversion>,
    pub replicates: usize,
    pub seed: u64,
}

impl Plan<'_> {
    /// The segment at the `m`-th coming month-end.
    pub(crate) fn classify(&self, facts: &Facts, recency: i32, m: usize) -> usize {
        match self.rules {
            SchemeRules::Cpm(r) => r.classify(facts, recency),
            SchemeRules::Lifecycle(r) => r.classify_at(facts, recency, self.vip.get(m).copied().flatten()),
        }
    }
}

/// Sums over replicates; `[month * segments + segment]` for counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub counts: Vec<f64>,
    /// Sum over customers of the variance of "in this cell" (estimated
    /// without bias from the replicates of each customer).
    pub variance: Vec<f64>,
    pub purchase_days: Vec<f64>,
    pub existing_purchase_days: Vec<f64>,
    pub sales: Vec<f64>,
}

impl Tally {
    fn new(months: usize, segments: usize) -> Tally {
        Tally {
            counts: vec![0.0; months * segments],
            variance: vec![0.0; months * segments],
            purchase_days: vec![0.0; months],
            existing_purchase_days: vec![0.0; months],
            sales: vec![0.0; months],
        }
    }

    fn add(&mut self, other: &Tally) {
        fn add(a: &mut [f64], b: &[f64]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
        add(&mut self.counts, &other.counts);
        add(&mut self.variance, &other.variance);
        add(&mut self.purchase_days, &other.purchase_days);
        add(&mut self.existing_purchase_days, &other.existing_purchase_days);
        add(&mut self.sales, &other.sales);
    }
}

/// Baseline and (with a scenario) scenario tallies, already divided by the
/// number of replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub baseline: Tally,
    pub scenario: Option<Tally>,
}

/// One customer's path: who they are at the origin (or at their first
/// purchase, for a new customer) and the purchase days drawn after it.
struct Path {
    start: Customer,
    spend: i64,
    /// Present at the origin (their future days are "existing" ones).
    existing: bool,
}

struct Worker<'p, 'a> {
    plan: &'p Plan<'a>,
    n_seg: usize,
    events: Vec<Day>,
    changed: Vec<Day>,
    /// `[replicate][month]` segment, or `usize::MAX` when not yet present.
    seen: Vec<usize>,
    seen_scenario: Vec<usize>,
}

impl Worker<'_, '_> {
    fn end(&self) -> Day {
        *self.plan.month_ends.last().expect("at least one month")
    }

    /// The fitted model as the draws use it (`None`: no repeat purchases).
    fn timing(&self) -> Option<Timing> {
        self.plan.model.map(|model| Timing {
            model,
            k: self.plan.k,
            factor: self.plan.rate_factor,
        })
    }

    /// A path's purchase process after the origin (or its first purchase),
    /// the same for every replicate.
    fn process(&self, path: &Path) -> Option<Process> {
        let timing = self.timing()?;
        let (c, end) = (&path.start, self.end());
        Some(if path.existing {
            timing.existing(&summary(c, self.plan.origin), self.plan.origin, end)
        } else {
            timing.new_customer(c.first, end)
        })
    }

    /// Draws a path's future purchase days into `self.events`.
    fn draw(&mut self, process: Option<&Process>, rng: &mut Rng) {
        self.events.clear();
        if let Some(p) = process {
            p.draw(rng, &mut self.events);
        }
    }

    /// The scenario's change to the drawn days, into `self.changed`.
    fn convert(&mut self, path: &Path, conv: Conversion, rng: &mut Rng) {
        self.changed.clear();
        self.changed.extend_from_slice(&self.events);
        let c = &path.start;
        let window_end = c.first + self.plan.toddler_days - 1;
        let lo = (c.first + 1).max(self.plan.origin + 1);
        let hi = window_end.min(self.end());
        let u = rng.uniform();
        let pick = rng.below(u64::from((hi - lo + 1).max(1) as u32));
        if c.purchase_days != 1 || lo > hi {
            return;
        }
        let converted = self.changed.first().is_some_and(|&d| d <= window_end);
        if conv.rate > conv.observed && !converted {
            if u < (conv.rate - conv.observed) / (1.0 - conv.observed) {
                // The customer comes back on `day` and, from then on, buys as
                // the model expects of someone with one repeat purchase at
                // that point: rate and drop-out drawn given that purchase.
                let day = lo + pick as Day;
                self.changed.clear();
                self.changed.push(day);
                if let Some(timing) = self.timing() {
                    let t = f64::from(day - c.first) / 7.0;
                    timing.draw_converted(t, day, self.end(), rng, &mut self.changed);
                }
            }
        } else if conv.rate < conv.observed && converted && u < (conv.observed - conv.rate) / conv.observed {
            self.changed.retain(|&d| d > window_end);
        }
    }

    /// Adds a path with these future days to `tally`, `times` over (the
    /// replicates that drew the same days); writes the segment at each
    /// month-end into `seen`.
    fn record(&self, path: &Path, events: &[Day], tally: &mut Tally, seen: &mut [usize], times: f64) {
        let c = path.start;
        let mut facts = Facts {
            first: c.first,
            last: c.last,
            previous: c.previous,
            total: c.total,
            purchase_days: c.purchase_days,
        };
        let mut next = 0;
        let mut period_start = self.plan.origin;
        for (m, &end) in self.plan.month_ends.iter().enumerate() {
            if !path.existing && c.first > end {
                seen[m] = usize::MAX;
                period_start = end;
                continue;
            }
            if !path.existing && c.first > period_start {
                tally.purchase_days[m] += times;
                tally.sales[m] += times * c.total.0 as f64;
            }
            while next < events.len() && events[next] <= end {
                facts.previous = Some(facts.last);
                facts.last = events[next];
                facts.purchase_days += 1;
                facts.total = Money(facts.total.0.saturating_add(path.spend));
                tally.purchase_days[m] += times;
                tally.sales[m] += times * path.spend as f64;
                if path.existing {
                    tally.existing_purchase_days[m] += times;
                }
                next += 1;
            }
            let s = self.plan.classify(&facts, end - facts.last, m);
            tally.counts[m * self.n_seg + s] += times;
            seen[m] = s;
            period_start = end;
        }
    }

    /// Simulates one path `replicates` times into the tallies. The
    /// replicates without a purchase all give the same months: recorded
    /// once for all of them, and with none but those the path adds no
    /// variance (every replicate in the same cell).
    fn run(&mut self, key: u64, path: &Path, base: &mut Tally, scen: &mut Option<Tally>) {
        let reps = self.plan.replicates;
        let months = self.plan.month_ends.len();
        let (mut seen, mut seen_s) = (std::mem::take(&mut self.seen), std::mem::take(&mut self.seen_scenario));
        let process = self.process(path);
        // The replicates without a purchase: counted, and marked in `seen`.
        const QUIET: usize = usize::MAX - 1;
        let (mut quiet, mut first_quiet) = (0usize, None);
        for rep in 0..reps {
            let mut rng = Rng::stream(self.plan.seed, key, rep as u64, 0);
            self.draw(process.as_ref(), &mut rng);
            let events = std::mem::take(&mut self.events);
            if events.is_empty() {
                quiet += 1;
                first_quiet.get_or_insert(rep);
                seen[rep * months] = QUIET;
            } else {
                self.record(path, &events, base, &mut seen[rep * months..(rep + 1) * months], 1.0);
            }
            self.events = events;
            if let (Some(conv), Some(tally)) = (self.plan.scenario, scen.as_mut()) {
                let mut rng = Rng::stream(self.plan.seed, key, rep as u64, 1);
                self.convert(path, conv, &mut rng);
                let changed = std::mem::take(&mut self.changed);
                self.record(
                    path,
                    &changed,
                    tally,
                    &mut seen_s[rep * months..(rep + 1) * months],
                    1.0,
                );
                self.changed = changed;
            }
        }
        if let Some(first) = first_quiet {
            let from = first * months;
            self.record(path, &[], base, &mut seen[from..from + months], quiet as f64);
            for rep in first + 1..reps {
                if seen[rep * months] == QUIET {
                    seen.copy_within(from..from + months, rep * months);
                }
            }
        }
        if quiet < reps {
            add_variance(&seen, reps, months, self.n_seg, base);
        }
        if let Some(tally) = scen.as_mut() {
            add_variance(&seen_s, reps, months, self.n_seg, tally);
        }
        (self.seen, self.seen_scenario) = (seen, seen_s);
    }
}

/// Adds each cell's unbiased Bernoulli variance `k (S - k) / (S (S - 1))`
/// for one customer seen in the cell `k` times out of `S` replicates.
fn add_variance(seen: &[usize], reps: usize, months: usize, n_seg: usize, tally: &mut Tally) {
    if reps < 2 {
        return;
    }
    let s = reps as f64;
    for m in 0..months {
        let mut hits: [(usize, u32); 16] = [(usize::MAX, 0); 16];
        let mut used = 0;
        for rep in 0..reps {
            let seg = seen[rep * months + m];
            if seg == usize::MAX {
                continue;
            }
            match hits[..used].iter_mut().find(|(g, _)| *g == seg) {
                Some((_, k)) => *k += 1,
                None if used < 16 => {
                    hits[used] = (seg, 1);
                    used += 1;
                }
                None => {}
            }
        }
        for &(seg, k) in &hits[..used] {
            let k = f64::from(k);
            tally.variance[m * n_seg + seg] += k * (s - k) / (s * (s - 1.0));
        }
    }
}

/// How many paths (customers present and new) and where each month's new
/// customers start among them.
fn paths(plan: &Plan<'_>, customers: &[Customer]) -> (usize, Vec<u64>) {
    let mut new_starts = Vec::with_capacity(plan.new_per_month.len() + 1);
    let mut acc = 0u64;
    for &n in &plan.new_per_month {
        new_starts.push(acc);
        acc += n;
    }
    new_starts.push(acc);
    (customers.len() + acc as usize, new_starts)
}

/// Path `i`: a customer present at the origin, or a new one (first
/// purchase day and spend drawn from its own stream).
fn path_of(plan: &Plan<'_>, customers: &[Customer], new_starts: &[u64], i: usize) -> Path {
    if let Some(&c) = customers.get(i) {
        return Path {
            start: c,
            spend: c.spend(),
            existing: true,
        };
    }
    let j = (i - customers.len()) as u64;
    let m = new_starts.partition_point(|&s| s <= j) - 1;
    let mut rng = Rng::stream(plan.seed, i as u64, u64::MAX, 2);
    let from = if m == 0 { plan.origin } else { plan.month_ends[m - 1] };
    let first = from + 1 + rng.below(u64::from((plan.month_ends[m] - from) as u32)) as Day;
    let spend = if plan.new_spend.is_empty() {
        0
    } else {
        plan.new_spend[rng.below(plan.new_spend.len() as u64) as usize]
    };
    Path {
        start: Customer {
            first,
            last: first,
            second: None,
            previous: None,
            total: Money(spend),
            purchase_days: 1,
        },
        spend,
        existing: false,
    }
}

/// Paths the VIP thresholds are estimated on, at most.
const VIP_SAMPLE: usize = 200_000;

/// Lifecycle with a VIP top share: each coming month-end's threshold, the
/// `k`-th largest total among the non-dormant simulated customers with
/// `k = ceil(share × n)`, from the first replicate of an even sample of
/// the paths (the same draws as the simulation's: the totals do not
/// depend on the threshold). Empty for CPM or a zero share.
pub fn vip_thresholds(plan: &Plan<'_>, customers: &[Customer]) -> Vec<Option<Money>> {
    let Some(rules) = plan.rules.top_share() else {
        return Vec::new();
    };
    let (all, new_starts) = paths(plan, customers);
    let step = all.div_ceil(VIP_SAMPLE).max(1);
    let months = plan.month_ends.len();
    let mut w = Worker {
        plan,
        n_seg: plan.rules.labels().len(),
        events: Vec::new(),
        changed: Vec::new(),
        seen: Vec::new(),
        seen_scenario: Vec::new(),
    };
    let mut totals: Vec<Vec<Money>> = vec![Vec::new(); months];
    for i in (0..all).step_by(step) {
        let path = path_of(plan, customers, &new_starts, i);
        let mut rng = Rng::stream(plan.seed, i as u64, 0, 0);
        let process = w.process(&path);
        w.draw(process.as_ref(), &mut rng);
        let (mut last, mut total, mut next) = (path.start.last, path.start.total, 0);
        for (m, &end) in plan.month_ends.iter().enumerate() {
            if !path.existing && path.start.first > end {
                continue;
            }
            while next < w.events.len() && w.events[next] <= end {
                last = w.events[next];
                total = Money(total.0.saturating_add(path.spend));
                next += 1;
            }
            if !rules.is_dormant(end - last) {
                totals[m].push(total);
            }
        }
    }
    totals
        .iter_mut()
        .map(|t| crate::engine::lifecycle::threshold_by_sorting(rules.vip_top_share, t))
        .collect()
}

/// Runs the plan over the customers present at the origin and the new ones.
pub fn simulate(plan: &Plan<'_>, customers: &[Customer]) -> Outcome {
    let months = plan.month_ends.len();
    let n_seg = plan.rules.labels().len();
    let (all, new_starts) = paths(plan, customers);
    let parts = in_parallel(all, |range| {
        let mut base = Tally::new(months, n_seg);
        let mut scen = plan.scenario.map(|_| Tally::new(months, n_seg));
        let mut w = Worker {
            plan,
            n_seg,
            events: Vec::new(),
            changed: Vec::new(),
            seen: vec![usize::MAX; plan.replicates * months],
            seen_scenario: vec![usize::MAX; plan.replicates * months],
        };
        for i in range {
            let path = path_of(plan, customers, &new_starts, i);
            w.run(i as u64, &path, &mut base, &mut scen);
        }
        (base, scen)
    });
    let mut base = Tally::new(months, n_seg);
    let mut scen = plan.scenario.map(|_| Tally::new(months, n_seg));
    for (b, s) in parts {
        base.add(&b);
        if let (Some(t), Some(s)) = (scen.as_mut(), s) {
            t.add(&s);
        }
    }
    let reps = plan.replicates as f64;
    let scale = |t: &mut Tally| {
        for v in t
            .counts
            .iter_mut()
            .chain(&mut t.purchase_days)
            .chain(&mut t.existing_purchase_days)
            .chain(&mut t.sales)
        {
            *v /= reps;
        }
    };
    scale(&mut base);
    if let Some(t) = scen.as_mut() {
        scale(t);
    }
    Outcome {
        baseline: base,
        scenario: scen,
    }
}
