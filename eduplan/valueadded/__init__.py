"""Value-added evaluation of high schools (增值性评价): diagnostic, with its uncertainty."""
