//! Word pools that make the firm read like a real practice.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const FIRST: &[&str] = &[
    "Maria", "James", "Aisha", "Robert", "Mei", "Daniel", "Priya", "Thomas", "Grace", "Luis",
    "Hannah", "Samuel", "Fatima", "Owen", "Elena", "Marcus", "Naomi", "Victor", "Chloe", "Andre",
    "Sofia", "Patrick", "Leah", "Kwame", "Isabel", "Henry", "Yuki", "Carlos", "Rachel", "Dmitri",
];

pub const LAST: &[&str] = &[
    "Martinez",
    "Chen",
    "Okafor",
    "Sullivan",
    "Patel",
    "Nguyen",
    "Kowalski",
    "Whitfield",
    "Delgado",
    "Brennan",
    "Adams",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Osei",
    "Ramirez",
    "Tanaka",
    "Fitzgerald",
    "Abernathy",
    "Castillo",
    "Novak",
    "Greene",
    "Morrison",
    "Yilmaz",
    "Carver",
];

pub const COMPANY: &[&str] = &[
    "Hollis Trucking LLC",
    "Lakeside Realty Group",
    "Granite Freight Inc.",
    "Summit Medical Partners",
    "Harbor View Condominium Association",
    "Northgate Construction Co.",
    "Bluewater Insurance Company",
    "Redline Logistics LLC",
    "Meridian Health Systems",
    "Oakridge Property Management",
    "Crescent Bakery & Café",
    "Pioneer Auto Sales",
    "Silverline Software Inc.",
    "Evergreen Landscaping",
    "Atlas Manufacturing Corp.",
    "Keystone Staffing Solutions",
    "Riverbend Dental Group",
];

pub const STREETS: &[&str] = &[
    "Maple Avenue",
    "Court Street",
    "Harbor Road",
    "Elm Street",
    "Washington Boulevard",
    "Liberty Lane",
    "Cedar Drive",
    "Franklin Street",
];

pub const CITIES: &[(&str, &str, &str)] = &[
    ("Springfield", "NJ", "07081"),
    ("Albany", "NY", "12207"),
    ("Hartford", "CT", "06103"),
    ("Newark", "NJ", "07102"),
    ("White Plains", "NY", "10601"),
];

/// Practice areas, each with case-name patterns ({c} a client or company, {o} an opposing party).
pub const AREAS: &[(&str, &[&str])] = &[
    (
        "Personal Injury",
        &[
            "{c} v. {o}",
            "{c} v. {o} (Motor Vehicle)",
            "{c} Slip-and-Fall Claim",
        ],
    ),
    (
        "Family Law",
        &[
            "In re Marriage of {c}",
            "{c} Custody Matter",
            "{c} Child Support Modification",
        ],
    ),
    (
        "Estate Planning",
        &[
            "Estate of {c}",
            "{c} Revocable Trust",
            "{c} Guardianship Petition",
        ],
    ),
    (
        "Criminal Defense",
        &["State v. {c}", "People v. {c}", "United States v. {c}"],
    ),
    (
        "Employment",
        &[
            "{c} v. {o} (Wrongful Termination)",
            "{c} Wage Claim",
            "{c} v. {o} (Discrimination)",
        ],
    ),
    (
        "Real Estate",
        &[
            "{c} Purchase of {street}",
            "{c} v. {o} (Lease Dispute)",
            "{c} Title Review",
        ],
    ),
    (
        "Immigration",
        &[
            "{c} Adjustment of Status",
            "{c} Asylum Application",
            "{c} H-1B Petition",
        ],
    ),
];

pub const AREA_CODES: &[&str] = &["CV", "FM", "PR", "CR", "EM", "RE", "IM"];

pub const STAGES: &[&str] = &[
    "Intake",
    "Investigation",
    "Pleadings",
    "Discovery",
    "Negotiation",
    "Trial Preparation",
    "Trial",
    "Post-Judgment",
];

pub fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A fictional phone number in the 555-01xx range reserved for fiction.
pub fn phone(rng: &mut ChaCha8Rng) -> String {
    let area = pick(rng, &["201", "212", "518", "860", "914"]);
    format!("({area}) 555-01{:02}", rng.gen_range(0..100))
}

/// An email at a reserved example domain.
pub fn email(first: &str, last: &str, domain: &str) -> String {
    let clean = |s: &str| {
        s.to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
    };
    format!("{}.{}@{domain}", clean(first), clean(last))
}
