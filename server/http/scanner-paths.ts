/**
 * Paths that only vulnerability scanners ask for. They are answered 404 before routing, rate
 * limiting or body reading, and counted (docs/api.md, "Conventions").
 */
const SCANNER_PATTERNS: readonly RegExp[] = [
  /^\/\.env/, // .env, .env.local, .env.bak
  /^\/\.(git|svn|hg|bzr|aws|ssh|docker|vscode|idea)(\/|$)/,
  /^\/\.(ds_store|htaccess|htpasswd|npmrc|bash_history)$/,
  /^\/wp-/, // wp-admin, wp-login.php, wp-content, wp-includes
  /^\/(wordpress|wp)\//,
  /^\/(phpmyadmin|pma|myadmin|mysqladmin|adminer)/,
  /^\/vendor\/phpunit/,
  /^\/cgi-bin\//,
  /^\/(actuator|solr|jenkins|manager\/html|console|hudson|boaform|owa|autodiscover)(\/|$)/,
  /^\/(server-status|server-info|xmlrpc|config\.json|web\.config|id_rsa|backup|dump\.sql)/,
  /\.(php\d?|phtml|asp|aspx|jsp|cgi|pl|sql|bak|old|swp)$/,
];

export function isScannerPath(rawPath: string): boolean {
  let path = rawPath.toLowerCase();
  try {
    // Scanners percent-encode to slip past naive filters (/%2eenv).
    path = decodeURIComponent(path);
  } catch {
    // Broken encoding is the router's 400, not ours.
  }
  return SCANNER_PATTERNS.some((re) => re.test(path));
}
