package io.twoway.salesforcesandbox;

/** An answer about to be sent: status and a JSON-able body, null for 204. */
record ApiResponse(int status, Object body) {

    static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }
}
