/**
 * Compose and bake files, by name (the server's targets.IsComposeName / IsBakeName): the extension
 * sends them to msls, which completes and checks their build targets.
 */
export const TARGET_FILE_PATTERNS = [
  '**/{compose,docker-compose}.{yml,yaml}',
  '**/{compose,docker-compose}.*.{yml,yaml}',
  '**/*{.,-}compose.{yml,yaml}',
  '**/{docker-bake,docker-bake.*,*.bake}.{hcl,json}',
];
