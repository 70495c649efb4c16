SET session_replication_role = replica;
INSERT INTO factcheck_speaker (name, normalized_name, lookalike_key, kind, title, affiliation, aliases, wikidata_id, description)
SELECT 'Bench speaker ' || g, 'bench speaker ' || g, 'bench speaker ' || g, 'person', '', '', '[]', '', '' FROM generate_series(1, 1000) g;
CREATE TEMP TABLE words AS SELECT array['troops','moved','kursk','north','korean','drones','attack','ministry','said','denied','border','thousand','soldiers','missiles','launched','city','power','plant','shelling','village','talks','ceasefire','sanctions','grain','exports','port','odesa','bridge','destroyed','claims','officials','report','according','army','front','line','advance','retreat','casualties','killed','wounded','civilians','energy','strikes','air','defence','intercepted','rockets','overnight','region'] AS w;
INSERT INTO factcheck_claim (text, quote, speaker_id, span_exact, span_prefix, span_suffix, kind, quantity_unit, quantity_qualifier, status, version, import_key, created_at)
SELECT (SELECT string_agg(w[1 + floor(random() * 50)::int], ' ') FROM words, generate_series(1, 8 + (g % 7)) WHERE g > 0),
       '', s.id, '', '', '', 'factual', '', '', 'unconfirmed', 1, 'bench-' || g, now() - (g || ' seconds')::interval
FROM generate_series(1, 1000000) g
JOIN LATERAL (SELECT id FROM factcheck_speaker WHERE normalized_name = 'bench speaker ' || CASE WHEN g % 5 = 0 THEN 1 ELSE 1 + (g % 1000) END) s ON true;
SET session_replication_role = origin;
ANALYZE factcheck_claim;
