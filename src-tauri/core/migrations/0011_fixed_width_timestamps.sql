-- Every stored instant in one fixed-width form, `2026-11-25T09:30:00.000Z`
-- (UTC, three fraction digits), so that text order is time order: before this,
-- `…:00.17Z` sorted before `…:00Z` (docs/decisions/0032). The new text is what
-- `clock::to_rfc3339` writes for the same instant: the `Z` form the app wrote
-- keeps its date and time, its fraction cut (never rounded) to three digits or
-- `.000` added; any other form goes through SQLite's date parser, and text that
-- is no date at all stays as it is. `valid_until` is a date, not an instant.
--
-- Not the audit log: each row's text is hashed into the audit chain, so its
-- rows keep the form they were written in (the log is ordered by `seq`).

UPDATE settings SET
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE company_profile SET
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE staff SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE sign_in_failures SET
    last_failure_at = CASE WHEN last_failure_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(last_failure_at, 1, 19) || '.' || substr(rtrim(substr(last_failure_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_failure_at), last_failure_at) END;

UPDATE customers SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE catalog_services SET
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE relationships SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    requested_at = CASE WHEN requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(requested_at, 1, 19) || '.' || substr(rtrim(substr(requested_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', requested_at), requested_at) END,
    accepted_at = CASE WHEN accepted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(accepted_at, 1, 19) || '.' || substr(rtrim(substr(accepted_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', accepted_at), accepted_at) END,
    ends_at = CASE WHEN ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(ends_at, 1, 19) || '.' || substr(rtrim(substr(ends_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at) END,
    terminated_at = CASE WHEN terminated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(terminated_at, 1, 19) || '.' || substr(rtrim(substr(terminated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', terminated_at), terminated_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE subscriptions SET
    starts_at = CASE WHEN starts_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(starts_at, 1, 19) || '.' || substr(rtrim(substr(starts_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', starts_at), starts_at) END,
    term_started_at = CASE WHEN term_started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(term_started_at, 1, 19) || '.' || substr(rtrim(substr(term_started_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', term_started_at), term_started_at) END,
    ends_at = CASE WHEN ends_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(ends_at, 1, 19) || '.' || substr(rtrim(substr(ends_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at) END,
    cancelled_at = CASE WHEN cancelled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(cancelled_at, 1, 19) || '.' || substr(rtrim(substr(cancelled_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', cancelled_at), cancelled_at) END,
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END,
    partner_of_record_at = CASE WHEN partner_of_record_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(partner_of_record_at, 1, 19) || '.' || substr(rtrim(substr(partner_of_record_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', partner_of_record_at), partner_of_record_at) END;

UPDATE subscription_changes SET
    at = CASE WHEN at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(at, 1, 19) || '.' || substr(rtrim(substr(at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', at), at) END;

UPDATE customer_users SET
    password_reset_at = CASE WHEN password_reset_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(password_reset_at, 1, 19) || '.' || substr(rtrim(substr(password_reset_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', password_reset_at), password_reset_at) END,
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE service_requests SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    submitted_at = CASE WHEN submitted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(submitted_at, 1, 19) || '.' || substr(rtrim(substr(submitted_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', submitted_at), submitted_at) END,
    closed_at = CASE WHEN closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(closed_at, 1, 19) || '.' || substr(rtrim(substr(closed_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', closed_at), closed_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END;

UPDATE service_request_notes SET
    at = CASE WHEN at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(at, 1, 19) || '.' || substr(rtrim(substr(at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', at), at) END;

UPDATE trial_invitations SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END,
    activated_at = CASE WHEN activated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(activated_at, 1, 19) || '.' || substr(rtrim(substr(activated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', activated_at), activated_at) END,
    retired_at = CASE WHEN retired_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(retired_at, 1, 19) || '.' || substr(rtrim(substr(retired_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', retired_at), retired_at) END;

UPDATE trial_invitation_recipients SET
    sent_at = CASE WHEN sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(sent_at, 1, 19) || '.' || substr(rtrim(substr(sent_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', sent_at), sent_at) END;

UPDATE trial_invitation_signups SET
    recorded_at = CASE WHEN recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(recorded_at, 1, 19) || '.' || substr(rtrim(substr(recorded_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', recorded_at), recorded_at) END;

UPDATE purchase_offers SET
    expires_at = CASE WHEN expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(expires_at, 1, 19) || '.' || substr(rtrim(substr(expires_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', expires_at), expires_at) END,
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END,
    updated_at = CASE WHEN updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(updated_at, 1, 19) || '.' || substr(rtrim(substr(updated_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at) END,
    sent_at = CASE WHEN sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(sent_at, 1, 19) || '.' || substr(rtrim(substr(sent_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', sent_at), sent_at) END,
    closed_at = CASE WHEN closed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(closed_at, 1, 19) || '.' || substr(rtrim(substr(closed_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', closed_at), closed_at) END;

UPDATE purchase_offer_recipients SET
    sent_at = CASE WHEN sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(sent_at, 1, 19) || '.' || substr(rtrim(substr(sent_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', sent_at), sent_at) END;

UPDATE product_keys SET
    added_at = CASE WHEN added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(added_at, 1, 19) || '.' || substr(rtrim(substr(added_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', added_at), added_at) END,
    redeemed_at = CASE WHEN redeemed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(redeemed_at, 1, 19) || '.' || substr(rtrim(substr(redeemed_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', redeemed_at), redeemed_at) END;

UPDATE notifications SET
    created_at = CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(created_at, 1, 19) || '.' || substr(rtrim(substr(created_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at) END;

UPDATE notification_reads SET
    read_at = CASE WHEN read_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z'
        THEN substr(read_at, 1, 19) || '.' || substr(rtrim(substr(read_at, 21), 'Z') || '000', 1, 3) || 'Z'
        ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', read_at), read_at) END;
