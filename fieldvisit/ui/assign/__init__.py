"""Assign wing: standing assignment of cases to teams and crews, by filter or on the map."""
