//! Field name → wire name: snake_case to PascalCase, hand-written (no heck).

/// `order_id` → `OrderId`, `r#type` → `Type`, `iot_instance_id` → `IotInstanceId`.
///
/// Each `_`-separated word gets its first character upper-cased and keeps the rest as
/// written, so an already-PascalCase or camelCase name only has its first letter raised.
pub fn to_pascal_case(field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut out = String::with_capacity(field.len());
    for word in field.split('_') {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_pascal_case;

    #[test]
    fn snake_to_pascal() {
        for (snake, pascal) in [
            ("order_id", "OrderId"),
            ("node_ids", "NodeIds"),
            ("iot_instance_id", "IotInstanceId"),
            ("id", "Id"),
            ("dev_eui", "DevEui"),
            ("r#type", "Type"),
            ("r#async", "Async"),
            ("page_size", "PageSize"),
            ("tag_1_key", "Tag1Key"),
            ("class_b_enabled", "ClassBEnabled"),
            ("_leading", "Leading"),
            ("trailing_", "Trailing"),
            ("double__underscore", "DoubleUnderscore"),
            ("alreadyCamel", "AlreadyCamel"),
            ("AlreadyPascal", "AlreadyPascal"),
            ("x", "X"),
            ("v2_name", "V2Name"),
            ("_", ""),
        ] {
            assert_eq!(to_pascal_case(snake), pascal, "{snake}");
        }
    }
}
