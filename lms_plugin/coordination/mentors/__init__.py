"""The mentor pool and placements at schools, with the certificate gate."""
