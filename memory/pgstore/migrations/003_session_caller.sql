-- The caller who initialised each MCP session (the server's key for a
-- token's name or a JWT's subject): a session is served to that caller
-- only, on every replica. A session recorded before this column has no
-- caller and is served to nobody: its client initialises again.
ALTER TABLE mcp_sessions ADD COLUMN caller text NOT NULL DEFAULT '';
