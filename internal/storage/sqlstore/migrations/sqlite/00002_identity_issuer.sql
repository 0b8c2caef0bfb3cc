-- Identities remember the OIDC issuer their rule names, so that an
-- exchange that names no identity finds its candidates with one index
-- lookup instead of reading every identity.
--
-- match_issuer is the issuer a claim_match or static rule names exactly,
-- '*' for a claim_match rule with an issuer pattern (which the caller
-- tests), and NULL for kinds that take no OIDC token. '*' is never an
-- issuer URL, so the two cannot collide.

-- +goose Up
ALTER TABLE identities ADD COLUMN match_issuer TEXT;
UPDATE identities SET match_issuer = CASE
        WHEN kind = 'static' THEN json_extract(rule, '$.issuer')
        ELSE coalesce(nullif(json_extract(rule, '$.issuer'), ''), '*')
    END
    WHERE kind IN ('claim_match', 'static');
CREATE INDEX identities_match_issuer ON identities (match_issuer, id) WHERE match_issuer IS NOT NULL;

-- +goose Down
DROP INDEX identities_match_issuer;
ALTER TABLE identities DROP COLUMN match_issuer;
