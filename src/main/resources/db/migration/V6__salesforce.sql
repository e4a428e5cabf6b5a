-- Salesforce, the second integration.

-- Outward: the newest change of each customer waiting for the batch sender, one row per integration and customer (a
-- newer change replaces an older one, so a backlog of edits costs one record in one batch; changed gathers the fields
-- every change it replaced changed, and only those go to a record the other side has). The row keeps the Kafka
-- message it came from (payload and headers) for the dead-letter topic. A row is deleted once its integration holds
-- the change, or once it is dead-lettered.
create table integration_outbound (
    system          varchar(32)  not null,
    customer_id     bigint       not null,
    version         bigint       not null,
    event_id        varchar(255) not null,
    event_type      varchar(64)  not null,
    payload         text         not null,
    changed         varchar(32)[] not null default '{name,email}',
    headers         jsonb        not null,
    kafka_partition int,
    kafka_offset    bigint,
    attempts        int          not null default 0,
    next_attempt_at timestamptz  not null default now(),
    last_error      text,
    enqueued_at     timestamptz  not null default now(),
    primary key (system, customer_id)
);
-- the sender's claim reads it in this order, without a sort
create index integration_outbound_due_idx on integration_outbound (system, next_attempt_at, customer_id);

-- Inward polling: where each integration's change feed was read up to (for Salesforce: the newest SystemModstamp
-- read, and the end of the last deleted-records window), so that a restart resumes with no gap.
create table integration_cursors (
    system     varchar(32)  not null,
    name       varchar(64)  not null,
    position   varchar(64)  not null,
    updated_at timestamptz  not null default now(),
    primary key (system, name)
);

-- Inward: finds the local customer of a remote record by its id in the other system.
create index sync_state_external_idx on sync_state (system, external_id);

-- Reconciliation reports name their integration; one run at a time per integration. For a Salesforce report, a
-- mismatch's stripe_customer_id holds the Contact Id.
alter table reconciliation_reports add column system varchar(32) not null default 'stripe';
drop index reconciliation_reports_running_uq;
create unique index reconciliation_reports_running_uq on reconciliation_reports (system) where status = 'running';
