-- Migration 7: a first sync at the speed of the wire.
--
-- 1. A sync page's search terms are written in bulk. FTS5 flushes its
--    pending terms at every statement that writes to it, so writing rows one
--    statement at a time through the index triggers cost a flush per row.
--    While a table is listed in fts_paused its insert and update triggers
--    stand aside; a sync page lists its table, writes its rows, writes their
--    terms in two statements and removes the listing, all in its own
--    transaction, so a pause is never committed (crate::search_index).
--    Deletes always remove their terms.
CREATE TABLE fts_paused (
  tbl TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

DROP TRIGGER cases_fts_insert;
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'cases') BEGIN
  INSERT INTO cases_fts (rowid, name, number, description) VALUES (new.rowid, new.name, new.number, new.description);
END;
DROP TRIGGER cases_fts_update;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF data, deleted ON cases
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'cases') BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
  INSERT INTO cases_fts (rowid, name, number, description) SELECT new.rowid, new.name, new.number, new.description WHERE new.deleted = 0;
END;

DROP TRIGGER clients_fts_insert;
CREATE TRIGGER clients_fts_insert AFTER INSERT ON clients
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'clients') BEGIN
  INSERT INTO clients_fts (rowid, first_name, last_name, email, phone) VALUES (new.rowid, new.first_name, new.last_name, new.email, new.phone);
END;
DROP TRIGGER clients_fts_update;
CREATE TRIGGER clients_fts_update AFTER UPDATE OF data, deleted ON clients
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'clients') BEGIN
  DELETE FROM clients_fts WHERE rowid = old.rowid;
  INSERT INTO clients_fts (rowid, first_name, last_name, email, phone) SELECT new.rowid, new.first_name, new.last_name, new.email, new.phone WHERE new.deleted = 0;
END;

DROP TRIGGER companies_fts_insert;
CREATE TRIGGER companies_fts_insert AFTER INSERT ON companies
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'companies') BEGIN
  INSERT INTO companies_fts (rowid, name, email, phone) VALUES (new.rowid, new.name, new.email, new.phone);
END;
DROP TRIGGER companies_fts_update;
CREATE TRIGGER companies_fts_update AFTER UPDATE OF data, deleted ON companies
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'companies') BEGIN
  DELETE FROM companies_fts WHERE rowid = old.rowid;
  INSERT INTO companies_fts (rowid, name, email, phone) SELECT new.rowid, new.name, new.email, new.phone WHERE new.deleted = 0;
END;

DROP TRIGGER events_fts_insert;
CREATE TRIGGER events_fts_insert AFTER INSERT ON events
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'events') BEGIN
  INSERT INTO events_fts (rowid, name, description, location) VALUES (new.rowid, new.name, new.description, new.location);
END;
DROP TRIGGER events_fts_update;
CREATE TRIGGER events_fts_update AFTER UPDATE OF data, deleted ON events
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'events') BEGIN
  DELETE FROM events_fts WHERE rowid = old.rowid;
  INSERT INTO events_fts (rowid, name, description, location) SELECT new.rowid, new.name, new.description, new.location WHERE new.deleted = 0;
END;

DROP TRIGGER tasks_fts_insert;
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'tasks') BEGIN
  INSERT INTO tasks_fts (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;
DROP TRIGGER tasks_fts_update;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF data, deleted ON tasks
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'tasks') BEGIN
  DELETE FROM tasks_fts WHERE rowid = old.rowid;
  INSERT INTO tasks_fts (rowid, name, description) SELECT new.rowid, new.name, new.description WHERE new.deleted = 0;
END;

DROP TRIGGER documents_fts_insert;
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents
WHEN new.deleted = 0 AND NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'documents') BEGIN
  INSERT INTO documents_fts (rowid, name, path) VALUES (new.rowid, new.name, new.path);
END;
DROP TRIGGER documents_fts_update;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF data, deleted ON documents
WHEN NOT EXISTS (SELECT 1 FROM fts_paused WHERE tbl = 'documents') BEGIN
  DELETE FROM documents_fts WHERE rowid = old.rowid;
  INSERT INTO documents_fts (rowid, name, path) SELECT new.rowid, new.name, new.path WHERE new.deleted = 0;
END;

-- 2. The mirror holds a merge base only for rows with edits pending. A row
--    nobody edited (change counter 0) is its own server copy, so copying it
--    out on every pull doubled the writes of a first sync for nothing. The
--    base is copied out when a local edit begins (the counter leaves 0) and
--    dropped when the row is clean again; Store::mirror answers the row itself
--    for a clean row.

DELETE FROM mirror WHERE kind = 'staff' AND id IN (SELECT id FROM staff WHERE change_counter = 0);
CREATE TRIGGER staff_base_out AFTER UPDATE OF change_counter ON staff
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('staff', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER staff_base_drop AFTER UPDATE OF change_counter ON staff
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'staff' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'case_stage' AND id IN (SELECT id FROM case_stages WHERE change_counter = 0);
CREATE TRIGGER case_stages_base_out AFTER UPDATE OF change_counter ON case_stages
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('case_stage', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER case_stages_base_drop AFTER UPDATE OF change_counter ON case_stages
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'case_stage' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'practice_area' AND id IN (SELECT id FROM practice_areas WHERE change_counter = 0);
CREATE TRIGGER practice_areas_base_out AFTER UPDATE OF change_counter ON practice_areas
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('practice_area', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER practice_areas_base_drop AFTER UPDATE OF change_counter ON practice_areas
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'practice_area' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'location' AND id IN (SELECT id FROM locations WHERE change_counter = 0);
CREATE TRIGGER locations_base_out AFTER UPDATE OF change_counter ON locations
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('location', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER locations_base_drop AFTER UPDATE OF change_counter ON locations
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'location' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'client' AND id IN (SELECT id FROM clients WHERE change_counter = 0);
CREATE TRIGGER clients_base_out AFTER UPDATE OF change_counter ON clients
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('client', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER clients_base_drop AFTER UPDATE OF change_counter ON clients
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'client' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'company' AND id IN (SELECT id FROM companies WHERE change_counter = 0);
CREATE TRIGGER companies_base_out AFTER UPDATE OF change_counter ON companies
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('company', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER companies_base_drop AFTER UPDATE OF change_counter ON companies
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'company' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'case' AND id IN (SELECT id FROM cases WHERE change_counter = 0);
CREATE TRIGGER cases_base_out AFTER UPDATE OF change_counter ON cases
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('case', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER cases_base_drop AFTER UPDATE OF change_counter ON cases
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'case' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'folder' AND id IN (SELECT id FROM folders WHERE change_counter = 0);
CREATE TRIGGER folders_base_out AFTER UPDATE OF change_counter ON folders
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('folder', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER folders_base_drop AFTER UPDATE OF change_counter ON folders
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'folder' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'document' AND id IN (SELECT id FROM documents WHERE change_counter = 0);
CREATE TRIGGER documents_base_out AFTER UPDATE OF change_counter ON documents
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('document', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER documents_base_drop AFTER UPDATE OF change_counter ON documents
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'document' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'event' AND id IN (SELECT id FROM events WHERE change_counter = 0);
CREATE TRIGGER events_base_out AFTER UPDATE OF change_counter ON events
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('event', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER events_base_drop AFTER UPDATE OF change_counter ON events
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'event' AND id = old.id;
END;

DELETE FROM mirror WHERE kind = 'task' AND id IN (SELECT id FROM tasks WHERE change_counter = 0);
CREATE TRIGGER tasks_base_out AFTER UPDATE OF change_counter ON tasks
WHEN old.change_counter = 0 AND new.change_counter > 0 AND old.remote_id IS NOT NULL BEGIN
  INSERT OR REPLACE INTO mirror (kind, id, data, server_updated_at)
  VALUES ('task', old.id, old.data, old.server_updated_at);
END;
CREATE TRIGGER tasks_base_drop AFTER UPDATE OF change_counter ON tasks
WHEN old.change_counter > 0 AND new.change_counter = 0 BEGIN
  DELETE FROM mirror WHERE kind = 'task' AND id = old.id;
END;

-- 3. The calendar reads a month from its covering indexes alone. Each event
--    row there carries its case and its first attendee, and a case's name
--    is read by id from an index, so drawing a month parses no JSON and
--    probes no other table per event (crate::query::events). SQLite counts
--    an index as covering for a table with generated columns only when the
--    index holds an expression and every column the query names, the
--    partial index's own condition included: hence the first attendee as
--    an expression and `deleted, all_day` at the end.
DROP INDEX events_timed;
CREATE INDEX events_timed ON events
  (start_s, end_s, id, name, location, case_id, json_extract(data, '$.staff[0]'), deleted, all_day)
  WHERE deleted = 0 AND all_day = 0;
DROP INDEX events_all_day;
CREATE INDEX events_all_day ON events
  (start_date, end_date, id, name, location, case_id, json_extract(data, '$.staff[0]'), deleted, all_day)
  WHERE deleted = 0 AND all_day = 1;
CREATE INDEX cases_id_name ON cases (id, json_extract(data, '$.name'));
