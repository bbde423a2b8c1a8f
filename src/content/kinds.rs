//! The typed fields of each kind of content. A file's `kind` picks one of
//! these structs; its keys are read from the same front matter (so type
//! errors carry exact positions) and reach templates as `page.fields`.

use serde::{Deserialize, Serialize};

use super::front_matter::{field_names, Kind};
use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Embedded};

#[derive(Debug, Clone, Default, Serialize)]
#[serde(untagged)]
pub enum KindFields {
    #[default]
    None,
    Programme(ProgrammeFields),
    PriorityArea(PriorityAreaFields),
    Activity(ActivityFields),
    Node(NodeFields),
}

/// A year's Work Programme (`kind: programme`, a section).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProgrammeFields {
    pub year: Option<u16>,
    pub subtitle: Option<String>,
    /// As the document writes it: "Version 1.0, 19 October 2023".
    pub version: Option<String>,
    /// The persistent URI, e.g. `https://doi.org/10.35035/doc-b226-sb32`.
    pub doi: Option<String>,
    pub signature: Option<Signature>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Signature {
    pub name: String,
    pub role: Option<String>,
}

/// A priority area of a programme (`kind: priority-area`, a section).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PriorityAreaFields {
    pub number: Option<u32>,
    /// As the document writes it: "Priority Area 1".
    pub label: Option<String>,
    pub tagline: Option<String>,
}

/// An activity of a programme (`kind: activity`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ActivityFields {
    /// "1.1": always text, so that 1.10 stays 1.10.
    pub id: Option<String>,
    /// As the document writes it: "Activity 1.1".
    pub label: Option<String>,
    /// A remark some activities carry before their outcomes (Markdown).
    pub note: Option<String>,
    pub funding: Option<Funding>,
}

/// "Expected funding mechanisms and sources", as parsed by the importer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Funding {
    pub label: Option<String>,
    /// The full text (Markdown).
    pub text: String,
    pub amounts: Vec<FundingAmount>,
    pub supplementary_sources: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FundingAmount {
    pub eur: f64,
    #[serde(rename = "type")]
    pub funding_type: FundingType,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FundingType {
    #[default]
    Core,
    Supplementary,
}

/// A node profile (`kind: node`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NodeFields {
    pub name: Option<String>,
    pub website: Option<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    pub region: Option<String>,
    pub participant_type: Option<String>,
}

impl KindFields {
    /// Reads the fields of `kind` from the front matter, with the names of
    /// the keys it used (so that the rest can become `extra`).
    pub fn parse(
        kind: Kind,
        yaml_text: &str,
        at: Embedded<'_>,
    ) -> Result<(KindFields, &'static [&'static str]), Diagnostic> {
        Ok(match kind {
            Kind::Programme => (KindFields::Programme(yaml::parse(yaml_text, at)?), field_names::<ProgrammeFields>()),
            Kind::PriorityArea => {
                (KindFields::PriorityArea(yaml::parse(yaml_text, at)?), field_names::<PriorityAreaFields>())
            }
            Kind::Activity => (KindFields::Activity(yaml::parse(yaml_text, at)?), field_names::<ActivityFields>()),
            Kind::Node => (KindFields::Node(yaml::parse(yaml_text, at)?), field_names::<NodeFields>()),
            Kind::Page | Kind::Ongoing | Kind::Meeting | Kind::Session => (KindFields::None, &[]),
        })
    }

    pub fn node(&self) -> Option<&NodeFields> {
        match self {
            KindFields::Node(n) => Some(n),
            _ => None,
        }
    }

    pub fn activity(&self) -> Option<&ActivityFields> {
        match self {
            KindFields::Activity(a) => Some(a),
            _ => None,
        }
    }

    pub fn programme(&self) -> Option<&ProgrammeFields> {
        match self {
            KindFields::Programme(p) => Some(p),
            _ => None,
        }
    }

    pub fn priority_area(&self) -> Option<&PriorityAreaFields> {
        match self {
            KindFields::PriorityArea(p) => Some(p),
            _ => None,
        }
    }

    /// The number a file sorts by: an activity's id, a priority area's number.
    pub fn sort_number(&self) -> Option<String> {
        match self {
            KindFields::Activity(a) => a.id.clone(),
            KindFields::PriorityArea(p) => p.number.map(|n| n.to_string()),
            _ => None,
        }
    }
}
