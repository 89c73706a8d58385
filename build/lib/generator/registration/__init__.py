"""Registration: model → DataCite payload (render.datacite) → plan → client → state at DataCite."""
