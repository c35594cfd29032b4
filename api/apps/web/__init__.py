"""What the web apps share: their Flask blueprints, sign-in and sessions, security headers,
translations, and the base page, styles and scripts."""
