"""Certificates (giấy chứng nhận): issue on completion, PDF, public verification, revocation."""
