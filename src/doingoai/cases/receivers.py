"""Receivers of other apps' signals (claim matching of new articles). Filled by the matching part."""
