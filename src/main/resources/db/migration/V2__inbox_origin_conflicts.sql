-- Inward sync: verified webhook events, stored before the 2xx answer and applied asynchronously.
-- status: pending (to apply), applied, conflict (applied, a conflict was recorded), echo (Twoway's own write
-- coming back), stale (older than the state already applied), noop (nothing to change), skipped (cannot be
-- represented locally, see outcome), ignored (a type Twoway does not handle), parked (failed; see error).
create table webhook_events (
    id             varchar(255) primary key,
    source         varchar(32)  not null,
    type           varchar(128) not null,
    created        bigint       not null,
    object_id      varchar(255),
    payload        jsonb        not null,
    status         varchar(16)  not null,
    outcome        text,
    error          text,
    attempts       int          not null default 0,
    received_at    timestamptz  not null default now(),
    processed_at   timestamptz
);
create index webhook_events_pending_idx on webhook_events (received_at) where status = 'pending';
create index webhook_events_status_idx on webhook_events (status, received_at);

-- Origin of the last write of each customer (api, stripe, conflict, ...); outbox events carry it too, so an
-- integration never sends a change back to the system it came from.
alter table customers add column origin varchar(32) not null default 'api';

-- The remote side of the agreed state: the Stripe event time of the newest remote state applied (whole seconds)
-- and that event's id, for the order guard.
alter table sync_state add column remote_created bigint;
alter table sync_state add column remote_event_id varchar(255);

-- Conflicts between a local and a remote change. fields: {"<field>": {"local":…, "remote":…, "base":…}}.
create table conflicts (
    id              bigserial    primary key,
    type            varchar(32)  not null,
    customer_id     bigint       references customers (id),
    system          varchar(32)  not null,
    external_id     varchar(255),
    source_event_id varchar(255),
    fields          jsonb        not null,
    remote_object   jsonb,
    strategy        varchar(32)  not null,
    status          varchar(16)  not null,
    resolution      varchar(32),
    resolved_values jsonb,
    resolved_by     varchar(128),
    resolved_at     timestamptz,
    detected_at     timestamptz  not null default now()
);
create index conflicts_status_idx on conflicts (status, id);
create index conflicts_customer_open_idx on conflicts (customer_id) where status = 'open';
create index conflicts_detected_idx on conflicts (detected_at);

-- Every resolution of a conflict, automatic or by an admin.
create table conflict_audit (
    id          bigserial    primary key,
    conflict_id bigint       not null references conflicts (id),
    action      varchar(32)  not null,
    actor       varchar(128) not null,
    detail      jsonb,
    at          timestamptz  not null default now()
);
create index conflict_audit_conflict_idx on conflict_audit (conflict_id, id);
