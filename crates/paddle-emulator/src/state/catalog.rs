//! The emulator's product catalog: a few plans with fixed ids, so they survive restarts.

use paddle::entities::Interval;
use serde_json::{Value, json};

/// A plan a checkout can buy: one product with one recurring price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Name used in `/_emulator/checkout` (`"plan": "pro"`).
    pub key: &'static str,
    /// Product name shown to customers.
    pub name: &'static str,
    /// `pro_…`.
    pub product_id: &'static str,
    /// `pri_…`.
    pub price_id: &'static str,
    /// Price per billing cycle in cents.
    pub amount: &'static str,
    /// Billing cycle unit (frequency 1).
    pub interval: Interval,
    /// Days of free trial before the first charge; `None` bills at checkout.
    pub trial_days: Option<u32>,
}

/// Every plan; the first is the default.
pub const PLANS: [Plan; 4] = [
    Plan {
        key: "pro",
        name: "Pro",
        product_id: "pro_01emulator0000000000000pro",
        price_id: "pri_01emulator0000000000000pro",
        amount: "3000",
        interval: Interval::Month,
        trial_days: None,
    },
    Plan {
        key: "basic",
        name: "Basic",
        product_id: "pro_01emulator00000000000basic",
        price_id: "pri_01emulator00000000000basic",
        amount: "1000",
        interval: Interval::Month,
        trial_days: None,
    },
    Plan {
        key: "team",
        name: "Team",
        product_id: "pro_01emulator000000000000team",
        price_id: "pri_01emulator000000000000team",
        amount: "30000",
        interval: Interval::Year,
        trial_days: None,
    },
    Plan {
        key: "pro-trial",
        name: "Pro",
        product_id: "pro_01emulator0000000000000pro",
        price_id: "pri_01emulator00000000protrial",
        amount: "3000",
        interval: Interval::Month,
        trial_days: Some(14),
    },
];

/// When the catalog entities were "created": fixed, like the ids.
const CATALOG_AT: &str = "2024-01-01T00:00:00Z";

impl Plan {
    /// The plan called `key`, or the default plan for `None`.
    pub fn find(key: Option<&str>) -> Option<Plan> {
        match key {
            None => Some(PLANS[0]),
            Some(key) => PLANS.iter().copied().find(|p| p.key == key),
        }
    }

    fn interval_str(self) -> &'static str {
        match self.interval {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    /// The whole `price` entity (schema `price`), as a subscription item carries it.
    pub fn price_json(self) -> Value {
        let cycle = json!({"interval": self.interval_str(), "frequency": 1});
        json!({
            "id": self.price_id,
            "product_id": self.product_id,
            "type": "standard",
            "description": format!("{} ({}ly)", self.name, self.interval_str()),
            "name": format!("{}ly", capitalized(self.interval_str())),
            "billing_cycle": cycle,
            "trial_period": self.trial_days.map(|days| json!({"interval": "day", "frequency": days})),
            "tax_mode": "account_setting",
            "unit_price": {"amount": self.amount, "currency_code": "USD"},
            "unit_price_overrides": [],
            "quantity": {"minimum": 1, "maximum": 1},
            "status": "active",
            "custom_data": null,
            "import_meta": null,
            "created_at": CATALOG_AT,
            "updated_at": CATALOG_AT,
        })
    }

    /// The whole `product` entity (schema `product`).
    pub fn product_json(self) -> Value {
        json!({
            "id": self.product_id,
            "name": self.name,
            "type": "standard",
            "tax_category": "standard",
            "description": format!("The {} plan of the local Paddle emulator.", self.name),
            "image_url": null,
            "custom_data": null,
            "status": "active",
            "import_meta": null,
            "created_at": CATALOG_AT,
            "updated_at": CATALOG_AT,
        })
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use paddle::{PriceId, ProductId};

    #[test]
    fn catalog_ids_have_paddle_shapes() {
        for plan in PLANS {
            assert!(ProductId::parse(plan.product_id).is_ok(), "{plan:?}");
            assert!(PriceId::parse(plan.price_id).is_ok(), "{plan:?}");
        }
    }

    #[test]
    fn plans_are_found_by_key_with_pro_as_default() {
        assert_eq!(Plan::find(None).map(|p| p.key), Some("pro"));
        assert_eq!(Plan::find(Some("team")).map(|p| p.key), Some("team"));
        assert_eq!(Plan::find(Some("gold")), None);
        assert_eq!(PLANS[2].price_json()["name"], "Yearly");
        let trial = Plan::find(Some("pro-trial")).map(|p| p.price_json()["trial_period"].clone());
        assert_eq!(trial, Some(json!({"interval": "day", "frequency": 14})));
    }
}
