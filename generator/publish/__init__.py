"""Publishing a built site: S3-compatible storage and Netlify's rules."""
