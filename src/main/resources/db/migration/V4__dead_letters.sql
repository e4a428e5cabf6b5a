-- Dead letters: every event an integration's consumer gave up on, kept beside the DLQ topic (which stays, for
-- consumers outside Twoway) so that an operator can list, replay or discard it. status: open, replayed, discarded.
create table dead_letters (
    id               bigserial    primary key,
    consumer         varchar(64)  not null,
    event_id         varchar(255) not null,
    event_type       varchar(64),
    customer_id      bigint,
    payload          text         not null,
    headers          jsonb        not null,
    error_class      varchar(255),
    error_message    text,
    error_code       varchar(64),
    http_status      int,
    attempts         int,
    source_topic     varchar(255),
    source_partition int,
    source_offset    bigint,
    status           varchar(16)  not null default 'open',
    replay_version   bigint,
    resolved_by      varchar(128),
    resolved_at      timestamptz,
    created_at       timestamptz  not null default now(),
    unique (consumer, event_id)
);
create index dead_letters_status_idx on dead_letters (status, id);
create index dead_letters_customer_idx on dead_letters (customer_id, id);

-- Every replay and discard, with who did it.
create table dead_letter_audit (
    id             bigserial    primary key,
    dead_letter_id bigint       not null references dead_letters (id),
    action         varchar(32)  not null,
    actor          varchar(128) not null,
    detail         jsonb,
    at             timestamptz  not null default now()
);
create index dead_letter_audit_idx on dead_letter_audit (dead_letter_id, id);

-- The event ledger is pruned by age, as the outbox is.
create index processed_events_processed_at_idx on processed_events (processed_at);

-- Lineage (GET /admin/customers/{id}/timeline): for each event the Stripe consumer settled, its customer, where it
-- read it in Kafka, and the outcome.
alter table processed_events add column customer_id bigint;
alter table processed_events add column kafka_partition int;
alter table processed_events add column kafka_offset bigint;
alter table processed_events add column outcome text;
create index processed_events_customer_idx on processed_events (customer_id, processed_at) where customer_id is not null;
