package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/** API description: the customer catalog's request and response bodies ({@code /customers}). Documentation models only. */
public final class CustomerDocs {

    private CustomerDocs() {}

    @Schema(name = "CustomerCreate", description = "A new customer. Any other field is refused (422, unknown field).")
    public record CustomerCreate(
            @Schema(requiredMode = RequiredMode.REQUIRED, minLength = 1, maxLength = 255, description = "Trimmed; not blank.",
                    example = "Ada Lovelace") String name,
            @Schema(requiredMode = RequiredMode.REQUIRED, maxLength = 254, format = "email",
                    description = "Trimmed; unique among active customers, case-insensitive (409 otherwise).", example = "ada@example.com")
            String email) {
    }

    @Schema(name = "CustomerUpdate", description = "The fields to change: an absent field keeps its value, null is refused, any other field "
            + "is refused (422). A change that alters nothing writes nothing and is not synced.")
    public record CustomerUpdate(
            @Schema(minLength = 1, maxLength = 255, description = "Trimmed; not blank.", example = "Ada King") String name,
            @Schema(maxLength = 254, format = "email", description = "Trimmed; unique among active customers, case-insensitive (409 otherwise).",
                    example = "ada.king@example.com") String email) {
    }

    @Schema(name = "Customer", description = "A customer of the local catalog.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Customer(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "1") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "Ada Lovelace") String name,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "ada@example.com") String email,
            @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, description = "The Stripe customer; null until the sync has created it "
                    + "(within a second or so).", example = "cus_QX2v9yBn1mZk3L") String stripeCustomerId,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "False once deleted (a soft delete).") boolean isActive,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Grows by one with every change.", example = "1") long version,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Where the last change came from.",
                    allowableValues = {"api", "stripe", "conflict", "reconcile", "replay"}) String origin,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String createdAt,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String updatedAt) {
    }

    @Schema(name = "CustomerEnvelope", description = "Success envelope with one customer.")
    public record CustomerEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Customer created successfully") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) Customer data) {
    }

    @Schema(name = "CustomerListEnvelope", description = "Success envelope with a page of active customers, by id.")
    public record CustomerListEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<Customer> data) {
    }

    @Schema(name = "CustomerDeleted", description = "A customer deleted: soft-deleted locally, deleted in Stripe by the sync.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CustomerDeleted(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "1") long customerId,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "true") boolean deleted) {
    }

    @Schema(name = "CustomerDeletedEnvelope", description = "Success envelope of a delete.")
    public record CustomerDeletedEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "Customer deleted successfully") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) CustomerDeleted data) {
    }
}
