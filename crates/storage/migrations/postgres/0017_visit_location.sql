-- Where a home visit was recorded (issue 14), only when the commune turned
-- it on (setting `field_location`, domain::field::LOCATION_SETTING): a place
-- is sensitive personal data (Law 91/2025/QH15). 'lat,lon' with four
-- decimals (about 11 m), or NULL. Same on both engines.
ALTER TABLE visits ADD COLUMN location TEXT;
