import { createTextBoundsMigration } from '@plaza/database';

/** Profile text limits count user-perceived characters; the database bounds storage only. */
export const ProfilesTextGraphemes1764900000000 = createTextBoundsMigration('ProfilesTextGraphemes1764900000000', [
  { table: 'profiles.profiles', column: 'display_name', constraint: 'profiles_display_name_check', maxCodePoints: 800 },
  { table: 'profiles.profiles', column: 'headline', constraint: 'profiles_headline_check', maxCodePoints: 1600 },
  { table: 'profiles.profiles', column: 'bio', constraint: 'profiles_bio_check', maxCodePoints: 20000 },
  { table: 'profiles.profiles', column: 'location', constraint: 'profiles_location_check', maxCodePoints: 1000 },
]);
