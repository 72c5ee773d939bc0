-- Setting up a real commune (issue 11): a member's category in their unit,
-- units that can be deactivated (never deleted once they have reports), a
-- school's level, and the day a unit was created (a unit is not late for
-- quarters that ended before it existed).
ALTER TABLE unit_members ADD COLUMN category TEXT NOT NULL DEFAULT 'khac';
ALTER TABLE units ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE units ADD COLUMN school_level TEXT;
ALTER TABLE units ADD COLUMN created_on TEXT;

-- Members recorded before categories existed: the best reading of their unit.
UPDATE unit_members SET category = 'thanh_vien_to'
    WHERE unit_id IN (SELECT id FROM units WHERE unit_type = 'to_cnscd');
UPDATE unit_members SET category = 'cong_chuc'
    WHERE unit_id IN (SELECT id FROM units WHERE unit_type IN
        ('phong_vhxh', 'van_phong', 'phong_kinh_te', 'tt_phuc_vu_hcc', 'tt_dich_vu_th'));
UPDATE unit_members SET category = 'giao_vien'
    WHERE unit_id IN (SELECT id FROM units WHERE unit_type = 'truong_hoc');
UPDATE unit_members SET category = 'vien_chuc'
    WHERE unit_id IN (SELECT id FROM units WHERE unit_type = 'tram_y_te');

-- Deactivating a unit changes who its members count for.
CREATE TRIGGER units_reach_active AFTER UPDATE OF active ON units
WHEN OLD.active IS NOT NEW.active
BEGIN INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM unit_members WHERE unit_id = NEW.id; END;
