-- Local customer catalog: the source of truth for outward sync.
create table customers (
    id                 bigserial    primary key,
    name               varchar(255) not null,
    email              varchar(320) not null,
    stripe_customer_id varchar(255) unique,
    is_active          boolean      not null default true,
    version            bigint       not null default 1,
    created_at         timestamptz  not null default now(),
    updated_at         timestamptz  not null default now()
);
-- An email belongs to at most one active customer (case-insensitive).
create unique index customers_active_email_uq on customers (lower(email)) where is_active;

-- Transactional outbox, Debezium outbox shape. seq gives the relay a total order.
create table outbox_events (
    id             uuid         primary key,
    seq            bigserial    not null unique,
    aggregate_type varchar(64)  not null,
    aggregate_id   varchar(64)  not null,
    event_type     varchar(64)  not null,
    payload        jsonb        not null,
    correlation_id varchar(128),
    created_at     timestamptz  not null default now(),
    published_at   timestamptz
);
create index outbox_events_unpublished_idx on outbox_events (seq) where published_at is null;
create index outbox_events_published_idx on outbox_events (published_at) where published_at is not null;

-- Event-id ledger: an event id is applied at most once per consumer.
create table processed_events (
    consumer     varchar(64)  not null,
    event_id     varchar(255) not null,
    processed_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);

-- Last state agreed with each external system, per customer.
create table sync_state (
    customer_id     bigint       not null references customers (id),
    system          varchar(32)  not null,
    external_id     varchar(255),
    applied_version bigint       not null,
    name            varchar(255),
    email           varchar(320),
    deleted         boolean      not null default false,
    synced_at       timestamptz  not null default now(),
    primary key (customer_id, system)
);
