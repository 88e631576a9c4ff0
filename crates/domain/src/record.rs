//! Any entity, tagged by kind: what a provider decodes a server record into
//! and encodes a local record from, so the sync engine can move records
//! without knowing which provider it talks to.

use crate::entity::{
    Case, Client, Company, Document, Event, Folder, Kind, Location, Meta, Named, Staff, Task,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Staff(Staff),
    CaseStage(Named),
    PracticeArea(Named),
    Location(Location),
    Client(Client),
    Company(Company),
    Case(Case),
    Folder(Folder),
    Document(Document),
    Event(Event),
    Task(Task),
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::Staff(_) => Kind::Staff,
            Record::CaseStage(_) => Kind::CaseStage,
            Record::PracticeArea(_) => Kind::PracticeArea,
            Record::Location(_) => Kind::Location,
            Record::Client(_) => Kind::Client,
            Record::Company(_) => Kind::Company,
            Record::Case(_) => Kind::Case,
            Record::Folder(_) => Kind::Folder,
            Record::Document(_) => Kind::Document,
            Record::Event(_) => Kind::Event,
            Record::Task(_) => Kind::Task,
        }
    }

    pub fn meta(&self) -> &Meta {
        match self {
            Record::Staff(r) => &r.meta,
            Record::CaseStage(r) | Record::PracticeArea(r) => &r.meta,
            Record::Location(r) => &r.meta,
            Record::Client(r) => &r.meta,
            Record::Company(r) => &r.meta,
            Record::Case(r) => &r.meta,
            Record::Folder(r) => &r.meta,
            Record::Document(r) => &r.meta,
            Record::Event(r) => &r.meta,
            Record::Task(r) => &r.meta,
        }
    }
}
