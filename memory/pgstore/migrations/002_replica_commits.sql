-- Which commit each replica has indexed, per repository: each replica's
-- index is its own cache, rebuilt from git, so replicas behind one load
-- balancer may answer from different commits for a while. A replica writes
-- its row after each index sync; /readyz lists the rows of every replica.
CREATE TABLE replica_commits (
    replica    text        NOT NULL,
    repo       text        NOT NULL,
    commit_id  text        NOT NULL,
    indexed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo, replica)
);
