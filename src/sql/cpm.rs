//! The CPM scheme (spec section 3, with the optional 超優良 tier) as a SQL
//! `CASE`: tier (first match wins) and state, joined as `<tier>_<state>`.

use super::Ctx;

/// The segment id at recency `recency` (SQL), from `first_p`, `last_p`
/// and `total`.
pub(crate) fn classify(ctx: &Ctx, recency: &str) -> String {
    let r = &ctx.config.rules;
    let money = |m: crate::money::Money| ctx.d.exact(&m.to_string());
    let tenure = "(last_p - first_p)";
    let super_tier = match &r.super_loyal {
        Some(s) => {
            let days = s.days.map_or(String::new(), |d| format!(" AND {tenure} >= {d}"));
            format!("WHEN total >= {}{days} THEN 'super' ", money(s.amount))
        }
        None => String::new(),
    };
    format!(
        "(CASE WHEN {tenure} = 0 THEN 'first' WHEN {tenure} < {toddler} THEN 'toddler' \
         WHEN total < {loyal_amount} THEN 'steady' WHEN {tenure} < {loyal_days} THEN 'trendy' \
         {super_tier}ELSE 'loyal' END || CASE WHEN {recency} < {churn} THEN '_active' ELSE '_lapsed' END)",
        toddler = r.toddler_days,
        loyal_amount = money(r.loyal_amount),
        loyal_days = r.loyal_days,
        churn = r.churn_days,
    )
}

/// Recency values at which a CPM segment may change between rows.
pub(crate) fn breaks(ctx: &Ctx) -> Vec<i32> {
    vec![ctx.config.rules.churn_days]
}
