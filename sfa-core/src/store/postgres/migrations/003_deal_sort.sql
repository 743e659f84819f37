-- v3: every deal in list order (sort key, id). The exports walk all deals page by
-- page; without this index each page sorted the whole table.
CREATE INDEX deals_sort ON deals (sort_key, id);
