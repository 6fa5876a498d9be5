//! Typed rule options: each rule's `[rules.<name>]` keys are the fields of one serde struct,
//! declared with [`rule_options!`] (its help texts, defaults and kinds in that one place) and
//! named in the rule's `declare_rule!`. The config layer deserializes each rule's table into
//! it once, when the config is loaded; rules read typed fields (`cx.options::<T>()`).

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

/// The value type of a rule option in the config file, for messages and docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    /// A string from a fixed set.
    Choice(&'static [&'static str]),
    StringList,
    Integer,
}

impl OptionKind {
    /// What a value of this kind must be, as an error message says it (`true or false`).
    pub fn expected(self) -> String {
        match self {
            OptionKind::Bool => "true or false".to_string(),
            OptionKind::Integer => "an integer".to_string(),
            OptionKind::StringList => "a list of strings".to_string(),
            OptionKind::Choice(c) => format!(
                "one of {}",
                c.iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A Rust type an option field may have, with the kind the config file sees.
pub trait OptionType {
    const KIND: OptionKind;
}

impl OptionType for bool {
    const KIND: OptionKind = OptionKind::Bool;
}

impl OptionType for i64 {
    const KIND: OptionKind = OptionKind::Integer;
}

impl OptionType for Vec<String> {
    const KIND: OptionKind = OptionKind::StringList;
}

/// One documented option of a rule: its key in the config file, kind and help text.
#[derive(Debug, Clone, Copy)]
pub struct RuleOption {
    pub key: &'static str,
    pub kind: OptionKind,
    pub help: &'static str,
}

/// A rule's options struct, made by [`rule_options!`]: serde reads it from the rule's table
/// (unknown keys and wrong types are errors), `Default` gives the value of an unset key.
pub trait RuleOptions:
    DeserializeOwned + Serialize + Default + Debug + Send + Sync + 'static
{
    /// The kind and help text of each field, in declaration order.
    const FIELDS: &'static [(OptionKind, &'static str)];

    /// The defaults, made once.
    fn defaults() -> &'static Self;
}

/// The rule whose options a [`RuleOptions`] type holds (its `declare_rule!` says so): how
/// `cx.options::<T>()` finds them among the settings of every rule.
pub trait OptionsOf: RuleOptions {
    const RULE: &'static str;
}

/// The options of a rule without its type, as the config keeps them.
#[derive(Clone)]
pub struct Options(Arc<dyn Erased>);

/// What [`Options`] needs of the typed value.
trait Erased: Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn to_table(&self) -> toml::Table;
}

impl<T: RuleOptions> Erased for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn to_table(&self) -> toml::Table {
        toml::Table::try_from(self).unwrap_or_default()
    }
}

impl Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Options {
    /// The options as type `T`; `None` when they are another rule's.
    pub fn get<T: RuleOptions>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    /// Every option with its value (`--show-settings`).
    pub fn to_table(&self) -> toml::Table {
        self.0.to_table()
    }
}

/// How the registry reads, defaults and describes a rule's options without knowing its type.
#[derive(Clone, Copy)]
pub struct OptionsDecl {
    parse: fn(toml::Table) -> Result<Options, toml::de::Error>,
    default: fn() -> Options,
    keys: fn() -> &'static [&'static str],
    fields: &'static [(OptionKind, &'static str)],
}

impl Debug for OptionsDecl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.describe()).finish()
    }
}

/// The options of a rule that has none: any key is unknown.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

impl RuleOptions for NoOptions {
    const FIELDS: &'static [(OptionKind, &'static str)] = &[];

    fn defaults() -> &'static Self {
        &NoOptions {}
    }
}

impl OptionsDecl {
    /// No options.
    pub const NONE: OptionsDecl = OptionsDecl::of::<NoOptions>();

    /// The options of type `T`.
    pub const fn of<T: RuleOptions>() -> OptionsDecl {
        OptionsDecl {
            parse: |t| T::deserialize(toml::Value::Table(t)).map(|o| Options(Arc::new(o))),
            default: || Options(Arc::new(T::default())),
            keys: serde_keys::<T>,
            fields: T::FIELDS,
        }
    }

    /// Each option: its key (serde's name of the field), kind and help text.
    pub fn describe(&self) -> Vec<RuleOption> {
        (self.keys)()
            .iter()
            .zip(self.fields)
            .map(|(key, (kind, help))| RuleOption {
                key,
                kind: *kind,
                help: help.trim(),
            })
            .collect()
    }

    /// The defaults of every option.
    pub fn default_options(&self) -> Options {
        (self.default)()
    }

    /// A rule's table (its options only: `level` and `check-tests` taken out) read into its
    /// options, the whole table at once. On an error, each key alone finds the one at fault:
    /// `(key, kind)` of the option whose value is wrong, or the error of the whole table when
    /// no single key fails.
    pub fn parse(&self, table: toml::Table) -> Result<Options, OptionError> {
        let whole = match (self.parse)(table.clone()) {
            Ok(options) => return Ok(options),
            Err(e) => e.message().trim_end().to_string(),
        };
        let options = self.describe();
        for (key, value) in table {
            let alone = toml::Table::from_iter([(key.clone(), value)]);
            if (self.parse)(alone).is_err() {
                let kind = options.iter().find(|o| o.key == key).map(|o| o.kind);
                return Err(OptionError { key, kind, whole });
            }
        }
        Err(OptionError {
            key: String::new(),
            kind: None,
            whole,
        })
    }
}

/// A rule table serde rejected: the key whose value it rejected (empty when no single key is
/// at fault), that option's kind when the key is declared, and serde's message about the
/// whole table.
#[derive(Debug)]
pub struct OptionError {
    pub key: String,
    pub kind: Option<OptionKind>,
    pub whole: String,
}

/// The keys serde reads for `T`: the field names its derive hands to `deserialize_struct`
/// (after `rename_all`), so that docs and messages name exactly the keys it accepts.
fn serde_keys<T: DeserializeOwned>() -> &'static [&'static str] {
    match T::deserialize(FieldNames) {
        Err(Fields(Some(fields))) => fields,
        _ => &[],
    }
}

/// A deserializer that answers nothing but records the fields a struct asks for.
struct FieldNames;

/// The error [`FieldNames`] stops with, carrying the fields.
#[derive(Debug)]
struct Fields(Option<&'static [&'static str]>);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names only")
    }
}

impl std::error::Error for Fields {}

impl serde::de::Error for Fields {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Fields(None)
    }
}

impl<'de> serde::Deserializer<'de> for FieldNames {
    type Error = Fields;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(None))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(Some(fields)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Declares a rule's options struct: each field with its help text (the doc comment), its
/// type (one of [`OptionType`]'s) and, after `=`, its default (else `Default::default()`).
/// The struct derives serde with `deny_unknown_fields` and kebab-case keys.
///
/// ```text
/// rule_options! {
///     /// The options of `my-rule`.
///     pub struct MyRuleOptions {
///         /// also report in examples
///         pub check_examples: bool,
///         /// follow helpers (default true)
///         pub transitive: bool = true,
///     }
/// }
/// ```
#[macro_export]
macro_rules! rule_options {
    (@default) => { ::core::default::Default::default() };
    (@default $default:expr) => { $default };
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $help:literal])+
                $fvis:vis $field:ident: $ty:ty $(= $default:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
        $vis struct $name {
            $($(#[doc = $help])+ $fvis $field: $ty,)*
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                $name { $($field: $crate::rule_options!(@default $($default)?),)* }
            }
        }

        impl $crate::options::RuleOptions for $name {
            const FIELDS: &'static [($crate::options::OptionKind, &'static str)] = &[
                $((<$ty as $crate::options::OptionType>::KIND, concat!($($help),+)),)*
            ];

            fn defaults() -> &'static Self {
                static DEFAULTS: ::std::sync::OnceLock<$name> = ::std::sync::OnceLock::new();
                DEFAULTS.get_or_init(<$name as ::core::default::Default>::default)
            }
        }
    };
}

/// Declares a choice option's type: an enum whose variants are written as the strings the
/// config file gives (`Info = "info"`); `#[default]` marks the default one.
#[macro_export]
macro_rules! option_choice {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vattr:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
        $vis enum $name {
            $($(#[$vattr])* #[serde(rename = $text)] $variant,)+
        }

        impl $crate::options::OptionType for $name {
            const KIND: $crate::options::OptionKind =
                $crate::options::OptionKind::Choice(&[$($text),+]);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    option_choice! {
        enum Shade {
            #[default]
            Light = "light",
            Dark = "dark-grey",
        }
    }

    rule_options! {
        /// A test rule's options.
        struct Probe {
            /// follow helpers
            /// through chains
            transitive: bool = true,
            /// extra names
            extra_names: Vec<String>,
            /// the shade
            shade: Shade,
        }
    }

    #[test]
    fn keys_kinds_help_and_defaults_come_from_the_declaration() {
        let decl = OptionsDecl::of::<Probe>();
        let described: Vec<(&str, OptionKind, &str)> = decl
            .describe()
            .iter()
            .map(|o| (o.key, o.kind, o.help))
            .collect();
        assert_eq!(
            described,
            vec![
                (
                    "transitive",
                    OptionKind::Bool,
                    "follow helpers through chains"
                ),
                ("extra-names", OptionKind::StringList, "extra names"),
                (
                    "shade",
                    OptionKind::Choice(&["light", "dark-grey"]),
                    "the shade"
                ),
            ]
        );
        let d = Probe::defaults();
        assert!(d.transitive && d.extra_names.is_empty() && d.shade == Shade::Light);
        assert_eq!(
            decl.default_options().to_table().to_string(),
            "extra-names = []\nshade = \"light\"\ntransitive = true\n"
        );
    }

    #[test]
    fn a_table_is_read_into_the_struct_or_names_its_bad_key() {
        let decl = OptionsDecl::of::<Probe>();
        let table: toml::Table =
            toml::from_str("shade = \"dark-grey\"\nextra-names = [\"a\"]").expect("toml");
        let parsed = decl.parse(table).expect("valid");
        let p = parsed.get::<Probe>().expect("a Probe");
        assert_eq!((p.shade, p.transitive), (Shade::Dark, true));
        assert_eq!(p.extra_names, vec!["a".to_string()]);
        assert!(parsed.get::<NoOptions>().is_none());
        for (text, key, kind) in [
            ("transitive = 1", "transitive", Some(OptionKind::Bool)),
            (
                "extra-names = [1]",
                "extra-names",
                Some(OptionKind::StringList),
            ),
            ("shade = \"dark\"", "shade", Some(Shade::KIND)),
            ("colour = 1", "colour", None),
        ] {
            let table: toml::Table = toml::from_str(text).expect("toml");
            let e = decl.parse(table).expect_err(text);
            assert_eq!((e.key.as_str(), e.kind), (key, kind), "{text}");
        }
        assert!(OptionsDecl::NONE.describe().is_empty());
        let table: toml::Table = toml::from_str("x = 1").expect("toml");
        assert_eq!(OptionsDecl::NONE.parse(table).expect_err("none").key, "x");
    }
}
