//! The typed fields of each kind of content. A file's `kind` picks one of
//! these structs; its keys are read from the same front matter (so type
//! errors carry exact positions) and reach templates as `page.fields`.

use serde::{Deserialize, Serialize};

use super::dates::WrittenDate;
use crate::diagnostics::Diagnostic;
use crate::yaml::{self, field_names};

/// What a content file is; each kind has a default template of its name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Page,
    Programme,
    PriorityArea,
    Activity,
    Ongoing,
    Meeting,
    Session,
    Node,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Programme => "programme",
            Kind::PriorityArea => "priority-area",
            Kind::Activity => "activity",
            Kind::Ongoing => "ongoing",
            Kind::Meeting => "meeting",
            Kind::Session => "session",
            Kind::Node => "node",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(untagged)]
pub enum KindFields {
    #[default]
    None,
    Programme(ProgrammeFields),
    PriorityArea(PriorityAreaFields),
    Activity(ActivityFields),
    Meeting(MeetingFields),
    Session(SessionFields),
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

/// An activity's "Expected funding mechanisms and sources": the one model
/// of funding, which the programme importer writes and pages show.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Funding {
    /// `Expected funding mechanisms and sources`, as written.
    pub label: Option<String>,
    /// The full text (Markdown).
    pub text: String,
    pub amounts: Vec<FundingAmount>,
    /// What follows `supplementary funds:` / `supplementary funds from` /
    /// `supplementary funding from`, verbatim.
    pub supplementary_sources: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct FundingAmount {
    /// In euros; a whole amount is written without decimals (`20000`).
    #[serde(serialize_with = "whole_euros")]
    pub eur: f64,
    #[serde(rename = "type")]
    pub funding_type: FundingType,
    /// The clause the amount belongs to: `external contract for ESG report`.
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FundingType {
    #[default]
    Core,
    Supplementary,
    /// The text does not say which.
    Unspecified,
}

impl FundingType {
    /// As front matter writes it: `core`, `supplementary`, `unspecified`.
    pub fn name(self) -> &'static str {
        match self {
            FundingType::Core => "core",
            FundingType::Supplementary => "supplementary",
            FundingType::Unspecified => "unspecified",
        }
    }
}

/// `20000`, not `20000.0`; cents stay (`12.5`).
pub fn whole_euros<S: serde::Serializer>(eur: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if eur.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(eur) {
        serializer.serialize_u64(*eur as u64)
    } else {
        serializer.serialize_f64(*eur)
    }
}

/// A Global Nodes Meeting (`kind: meeting`, a section of sessions).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MeetingFields {
    pub name: Option<String>,
    pub start_date: Option<WrittenDate>,
    pub end_date: Option<WrittenDate>,
    /// Where it is held; `virtual` for an online meeting.
    pub place: Option<String>,
    /// IANA name (`Europe/Copenhagen`): the zone session times are written in.
    pub timezone: Option<String>,
}

/// A session of a meeting (`kind: session`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SessionFields {
    pub goal: Option<String>,
    pub format: Option<String>,
    /// What kind of session it is, for the meeting page's filter:
    /// `Networking`, `Panel discussion`, `Live Q&A`, `Live demos`, ….
    pub category: Option<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub facilitators: Vec<String>,
    pub moderator: Option<String>,
    /// `HH:MM`, on the page's `date`, in `timezone`: a session held once.
    pub start: Option<String>,
    pub end: Option<String>,
    /// IANA name; the meeting's when not given.
    pub timezone: Option<String>,
    /// A session held more than once (for other time zones, for each
    /// region): each time it is held. Instead of `start` and `end`.
    pub occurrences: Vec<OccurrenceFields>,
    #[serde(deserialize_with = "one_or_many")]
    pub themes: Vec<String>,
    pub presentations: Vec<Presentation>,
    pub materials: Vec<Material>,
    /// Other sessions, as `@/` paths or URLs.
    #[serde(deserialize_with = "one_or_many")]
    pub related: Vec<String>,
}

/// One time a session is held.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OccurrenceFields {
    /// `YYYY-MM-DD`; the page's `date` when not given.
    pub date: Option<String>,
    /// `HH:MM` in `timezone`.
    pub start: Option<String>,
    pub end: Option<String>,
    /// IANA name; the session's, else the meeting's, when not given.
    pub timezone: Option<String>,
    /// What sets this occurrence apart: the region it is for, "second run".
    pub label: Option<String>,
    /// Who runs this occurrence, when not the session's facilitators.
    #[serde(deserialize_with = "one_or_many")]
    pub facilitators: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Presentation {
    pub title: String,
    /// A video on Vimeo or YouTube (shown as a link unless the theme enables embeds).
    pub video: Option<String>,
    pub speaker: Option<String>,
    /// One of the session's `themes`: the page lists presentations by theme.
    pub theme: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Material {
    pub title: String,
    pub url: String,
}

/// A node profile (`kind: node`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NodeFields {
    pub name: Option<String>,
    pub website: Option<String>,
    pub country: Option<String>,
    pub organisation: Option<String>,
    /// GBIF region: Africa, Asia, Europe and Central Asia, Latin America and the Caribbean, North America, Oceania.
    pub region: Option<String>,
    pub participant_type: Option<String>,
    /// One line for the nodes directory.
    pub summary: Option<String>,
    pub contacts: Vec<Contact>,
    /// Figures the node reports: `- label: Datasets published` / `value: "14"`.
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// `facilitators: Ana` and `facilitators: [Ana, Ben]` both give a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}

impl KindFields {
    /// Reads the fields of `kind` from the front matter, with the names of
    /// the keys it used (so that the rest can become `extra`).
    pub fn parse(
        kind: Kind,
        document: &yaml::Document<'_>,
    ) -> Result<(KindFields, &'static [&'static str]), Diagnostic> {
        Ok(match kind {
            Kind::Programme => (KindFields::Programme(document.get()?), field_names::<ProgrammeFields>()),
            Kind::PriorityArea => (KindFields::PriorityArea(document.get()?), field_names::<PriorityAreaFields>()),
            Kind::Activity => (KindFields::Activity(document.get()?), field_names::<ActivityFields>()),
            Kind::Meeting => (KindFields::Meeting(document.get()?), field_names::<MeetingFields>()),
            Kind::Session => (KindFields::Session(document.get()?), field_names::<SessionFields>()),
            Kind::Node => (KindFields::Node(document.get()?), field_names::<NodeFields>()),
            Kind::Page | Kind::Ongoing => (KindFields::None, &[]),
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

    pub fn meeting(&self) -> Option<&MeetingFields> {
        match self {
            KindFields::Meeting(m) => Some(m),
            _ => None,
        }
    }

    pub fn session(&self) -> Option<&SessionFields> {
        match self {
            KindFields::Session(s) => Some(s),
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
