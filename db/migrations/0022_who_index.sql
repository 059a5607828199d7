-- 0022_who_index: who lists the first 200 online characters by name.
-- Without an index it sorted every online character (and computed each
-- one's idle time) on every who: 30 ms with 10,000 online, most of a
-- worker at the bench's scale.  This partial index gives the 200 in order.
CREATE INDEX characters_online_name ON characters (name)
	WHERE session_instance IS NOT NULL;
