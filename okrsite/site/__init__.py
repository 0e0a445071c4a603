"""The site stage: Site -> pages and charts. The page plan, rendering with the theme, the
theme's helpers and number formats, Markdown, charts, and the machine-readable exports."""
