#!/bin/sh
echo "${greeting}" > ${heat_outputs_path}.result
