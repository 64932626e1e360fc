export const id = 326;
export const ids = [326];
export const modules = {

/***/ 769:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   context: () => (/* reexport safe */ _actions_github__WEBPACK_IMPORTED_MODULE_0__._),
/* harmony export */   createOctokit: () => (/* binding */ createOctokit)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6856);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1679);
/**
 * The part of the Actions toolkit that only runs about a pull request need: @actions/github
 * (the run's context, and an Octokit on GITHUB_API_URL, so GHES works with no setting, through
 * the proxy HTTPS_PROXY / NO_PROXY name) with GitHub's throttling and retry plugins. Loaded by
 * `import()` (see load-toolkit.ts), so runs that never talk to GitHub do not compile it.
 */





function createOctokit(token, options) {
    const { debug, warning } = options;
    const retryWithin = (kind) => (retryAfter, request, _, retryCount) => {
        const wanted = retryCount + 1 < _limits_js__WEBPACK_IMPORTED_MODULE_1__/* .RATE_LIMIT_ATTEMPTS */ .O && retryAfter <= _limits_js__WEBPACK_IMPORTED_MODULE_1__/* .MAX_RATE_LIMIT_WAIT_S */ .C;
        debug(`GitHub ${kind} on ${request.method} ${request.url}: ${wanted ? `retrying in ${retryAfter} s` : 'giving up'}.`);
        return wanted;
    };
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
        userAgent: options.userAgent,
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        log: { debug, info: debug, warn: warning, error: debug },
        throttle: {
            onRateLimit: retryWithin('rate limit'),
            onSecondaryRateLimit: retryWithin('secondary rate limit')
        }
    }, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L);
}


/***/ })

};
